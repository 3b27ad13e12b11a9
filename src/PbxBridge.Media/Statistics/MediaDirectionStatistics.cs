namespace PbxBridge.Media.Statistics;

/// <summary>
/// Counters for one direction of one call. Only the thread that owns the call writes (plain increments published
/// with Volatile.Write, no lock, no interlocked read-modify-write); observers (metrics, admin API) read them with
/// Volatile.Read at any time and may see values a packet apart from each other, never torn ones.
/// </summary>
public sealed class MediaDirectionStatistics
{
    private long _packetsReceived;
    private long _bytesReceived;
    private long _packetsSent;
    private long _bytesSent;
    private long _packetsLost;
    private long _packetsLate;
    private long _packetsDuplicated;
    private long _packetsDiscarded;
    private long _framesConcealed;
    private long _framesRecoveredByFec;
    private long _framesDroppedForDelay;
    private long _resyncs;
    private long _dtmfDigits;
    private long _jitterMicroseconds;
    private long _targetDelayMilliseconds;

    /// <summary>RTP packets that arrived for this direction (any payload, before validation).</summary>
    public long PacketsReceived => Volatile.Read(ref _packetsReceived);
    public long BytesReceived => Volatile.Read(ref _bytesReceived);
    public long PacketsSent => Volatile.Read(ref _packetsSent);
    public long BytesSent => Volatile.Read(ref _bytesSent);

    /// <summary>Sequence numbers never seen by the time they were due (RFC 3550 "cumulative number of packets lost").</summary>
    public long PacketsLost => Volatile.Read(ref _packetsLost);

    /// <summary>Packets that arrived after their playout time and were dropped.</summary>
    public long PacketsLate => Volatile.Read(ref _packetsLate);
    public long PacketsDuplicated => Volatile.Read(ref _packetsDuplicated);

    /// <summary>Malformed RTP, unknown payload types, undecodable payloads.</summary>
    public long PacketsDiscarded => Volatile.Read(ref _packetsDiscarded);

    /// <summary>20 ms frames (or lost packets) synthesised by Opus packet-loss concealment.</summary>
    public long FramesConcealed => Volatile.Read(ref _framesConcealed);
    public long FramesRecoveredByFec => Volatile.Read(ref _framesRecoveredByFec);

    /// <summary>Packets skipped to bring the jitter buffer back down to its target depth.</summary>
    public long FramesDroppedForDelay => Volatile.Read(ref _framesDroppedForDelay);

    /// <summary>Jitter buffer restarts (new SSRC, sequence restart).</summary>
    public long Resyncs => Volatile.Read(ref _resyncs);
    public long DtmfDigits => Volatile.Read(ref _dtmfDigits);

    /// <summary>RFC 3550 interarrival jitter of the incoming stream.</summary>
    public double JitterMilliseconds => Volatile.Read(ref _jitterMicroseconds) / 1000.0;

    /// <summary>The jitter buffer's current target depth (0 where there is no jitter buffer).</summary>
    public long TargetDelayMilliseconds => Volatile.Read(ref _targetDelayMilliseconds);

    internal void OnPacketReceived(int bytes)
    {
        Volatile.Write(ref _packetsReceived, _packetsReceived + 1);
        Volatile.Write(ref _bytesReceived, _bytesReceived + bytes);
    }

    internal void OnPacketSent(int bytes)
    {
        Volatile.Write(ref _packetsSent, _packetsSent + 1);
        Volatile.Write(ref _bytesSent, _bytesSent + bytes);
    }

    internal void OnPacketsLost(int count) => Volatile.Write(ref _packetsLost, _packetsLost + count);
    internal void OnPacketLate() => Volatile.Write(ref _packetsLate, _packetsLate + 1);
    internal void OnPacketDuplicated() => Volatile.Write(ref _packetsDuplicated, _packetsDuplicated + 1);
    internal void OnPacketDiscarded() => Volatile.Write(ref _packetsDiscarded, _packetsDiscarded + 1);
    internal void OnFrameConcealed() => Volatile.Write(ref _framesConcealed, _framesConcealed + 1);
    internal void OnFrameRecoveredByFec() => Volatile.Write(ref _framesRecoveredByFec, _framesRecoveredByFec + 1);
    internal void OnFrameDroppedForDelay() => Volatile.Write(ref _framesDroppedForDelay, _framesDroppedForDelay + 1);
    internal void OnResync() => Volatile.Write(ref _resyncs, _resyncs + 1);
    internal void OnDtmfDigit() => Volatile.Write(ref _dtmfDigits, _dtmfDigits + 1);
    internal void SetJitter(double milliseconds) => Volatile.Write(ref _jitterMicroseconds, (long)(milliseconds * 1000));
    internal void SetTargetDelay(int milliseconds) => Volatile.Write(ref _targetDelayMilliseconds, milliseconds);
}
