namespace PbxBridge.Media.Rtp;

/// <summary>
/// The sending side of one RTP stream we originate: one SSRC, a sequence number that goes up by one per packet
/// and a timestamp that goes up by the media time each packet covers (RFC 3550 §5.1). Initial values are random
/// as RFC 3550 asks, so a restarted call is not mistaken for the old one.
/// </summary>
public sealed class RtpOutboundStream
{
    private ushort _sequenceNumber;
    private uint _timestamp;

    public RtpOutboundStream(uint ssrc)
        : this(ssrc, (ushort)Random.Shared.Next(0, 1 << 16), (uint)Random.Shared.NextInt64(0, 1L << 32))
    {
    }

    public RtpOutboundStream(uint ssrc, ushort initialSequenceNumber, uint initialTimestamp)
    {
        Ssrc = ssrc;
        _sequenceNumber = initialSequenceNumber;
        _timestamp = initialTimestamp;
    }

    public uint Ssrc { get; }

    /// <summary>The sequence number the next packet will carry.</summary>
    public ushort NextSequenceNumber => _sequenceNumber;

    /// <summary>The media timestamp of the next frame.</summary>
    public uint Timestamp => _timestamp;

    /// <summary>Header for the next packet at the current timestamp; consumes one sequence number.</summary>
    public RtpHeaderFields NextHeader(byte payloadType, bool marker) => NextHeader(payloadType, marker, _timestamp);

    /// <summary>Header for the next packet with an explicit timestamp (RFC 4733 events keep their start timestamp).</summary>
    public RtpHeaderFields NextHeader(byte payloadType, bool marker, uint timestamp)
    {
        var header = new RtpHeaderFields(payloadType, _sequenceNumber, timestamp, Ssrc, marker);
        _sequenceNumber++;
        return header;
    }

    /// <summary>Moves the media clock on; called once per frame whether or not a packet was sent (silence, DTX).</summary>
    public void AdvanceTimestamp(int clockUnits) => _timestamp += (uint)clockUnits;
}
