using System.Buffers.Binary;
using System.Diagnostics;
using PbxBridge.Asterisk.Simulator;
using PbxBridge.Browser.Simulator.Media;
using PbxBridge.Media.G711;

namespace PbxBridge.Browser.Simulator.Measurement;

/// <summary>
/// One call's one-way latencies through PbxBridge, each direction on its own, timed on loopback at the two ends the
/// load generator owns: the browser leg's socket and the PBX's RTP socket (the simulated externalMedia channel, which
/// reports to this class as its <see cref="IRtpPacketTap"/>). PbxBridge rewrites every RTP header field, so packets
/// are matched by content: the marker burst the leg sends once a second (<see cref="OpusFrameSource"/>), found by
/// its onset (<see cref="MarkerOnset"/>) in the PCMU at the PBX socket and in the Opus back at the leg. A lost marker
/// gives no sample rather than a wrong one; a sample further than one marker period from its send is dropped.
/// <list type="bullet">
/// <item>browser -> PBX: leg sends the marker's Opus packet -> the PCMU packet carrying its onset reaches the PBX
/// socket. That time holds the jitter buffer and the wait for the pacer's tick, which are meant to be there, so it is
/// split in two: <see cref="BrowserToPbxHeldMs"/>, from the send to the earliest time that tick could have delivered
/// (PbxBridge sends a call exactly one PCMU packet per tick, so the call's fastest packet in the previous second,
/// projected on its 20 ms grid), and <see cref="BrowserToPbxExcludingJitterMs"/>, the rest: how late that tick's
/// packet was against its fastest neighbour (pacer lateness, other calls' work before it in the tick, decode,
/// encode, send).</item>
/// <item>PBX -> browser: the PBX socket sends the PCMU packet carrying the onset -> the leg receives and decrypts the
/// Opus packet carrying it. PbxBridge has no buffer this way: each PBX packet is transcoded and forwarded at once.
/// Found by decoding, so on probe legs only.</item>
/// </list>
/// </summary>
internal sealed class OneWayLatency : IRtpPacketTap
{
    private const int PcmuPayloadType = 0;
    private const int ArrivalRing = 64;
    private const int GridPackets = 50;
    private static readonly long Ptime = Stopwatch.Frequency / 50;
    private static readonly long MarkerPeriod = Stopwatch.Frequency * OpusFrameSource.MarkerPeriod / 50;

    private readonly List<double> _browserToPbxMs = [];
    private readonly List<double> _heldMs = [];
    private readonly List<double> _excludingJitterMs = [];
    private readonly List<double> _pbxToBrowserMs = [];

    // PBX socket side, touched only by its receive loop (which also runs the echo's sends).
    private readonly long[] _arrivalTicks = new long[ArrivalRing];
    private readonly long[] _arrivalSequence = new long[ArrivalRing];
    private readonly short[] _pcm = new short[1500];
    private long _highestSequence = -1;
    private bool _previousLoud;
    private bool _echoCarriesOnset;
    private long _lastEchoSentTicks;

    // Handed between threads: the pacer (browser send), the PBX socket loop, the leg's receive loop.
    private long _markerSentTicks;
    private long _echoMarkerSentTicks;

    public volatile bool Recording;

    public IReadOnlyList<double> BrowserToPbxMs => Snapshot(_browserToPbxMs);

    /// <summary>Part of <see cref="BrowserToPbxMs"/> spent waiting for the pacer tick that played the packet.</summary>
    public IReadOnlyList<double> BrowserToPbxHeldMs => Snapshot(_heldMs);

    public IReadOnlyList<double> BrowserToPbxExcludingJitterMs => Snapshot(_excludingJitterMs);

    public IReadOnlyList<double> PbxToBrowserMs => Snapshot(_pbxToBrowserMs);

    /// <summary>The leg sent a marker packet (pacer thread), stamped just before its send.</summary>
    public void MarkerSent(long ticks) => Volatile.Write(ref _markerSentTicks, ticks);

    /// <summary>A PCMU packet from PbxBridge reached the PBX socket.</summary>
    public void OnReceived(ReadOnlySpan<byte> packet, long timestamp)
    {
        if (!TryPayload(packet, out var payload) || payload.Length > _pcm.Length)
        {
            return;
        }

        var sequence = Extend(BinaryPrimitives.ReadUInt16BigEndian(packet[2..]));
        var slot = (int)(sequence % ArrivalRing);
        _arrivalTicks[slot] = timestamp;
        _arrivalSequence[slot] = sequence;

        var pcm = _pcm.AsSpan(0, payload.Length);
        MuLaw.Decode(payload, pcm);
        var loud = MarkerOnset.FirstLoudSample(pcm);
        var onset = loud >= 0 && !_previousLoud;
        _previousLoud = loud >= 0;
        var sent = Volatile.Read(ref _markerSentTicks);
        if (!onset || sent == 0)
        {
            return;
        }

        Volatile.Write(ref _markerSentTicks, 0);
        var carrier = MarkerOnset.IsOnset(loud) ? sequence : sequence - 1;
        if (carrier == sequence)
        {
            // The echo is about to send this very payload back: that send starts the PBX -> browser sample.
            _echoCarriesOnset = true;
        }
        else
        {
            Volatile.Write(ref _echoMarkerSentTicks, _lastEchoSentTicks);
        }

        if (!TryArrival(carrier, out var arrival) || arrival < sent || arrival - sent > MarkerPeriod)
        {
            return;
        }

        // The earliest the carrier's tick could have delivered: the call's fastest packet of the last second, moved
        // along the 20 ms grid to the carrier's place. Arrival minus that is what the tick added; before it, waiting.
        var earliest = arrival;
        for (var back = 1; back < GridPackets; back++)
        {
            if (TryArrival(carrier - back, out var earlier))
            {
                earliest = Math.Min(earliest, earlier + (back * Ptime));
            }
        }

        if (Recording)
        {
            lock (_browserToPbxMs)
            {
                _browserToPbxMs.Add(Milliseconds(arrival - sent));
                _heldMs.Add(Milliseconds(earliest - sent));
                _excludingJitterMs.Add(Milliseconds(arrival - earliest));
            }
        }
    }

    /// <summary>The PBX socket sent a packet (the echo), stamped just before the send.</summary>
    public void OnSent(ReadOnlySpan<byte> packet, long timestamp)
    {
        _lastEchoSentTicks = timestamp;
        if (_echoCarriesOnset)
        {
            _echoCarriesOnset = false;
            Volatile.Write(ref _echoMarkerSentTicks, timestamp);
        }
    }

    /// <summary>The leg's probe found the marker's onset in the Opus packet that arrived at <paramref name="arrival"/>.</summary>
    public void MarkerEchoArrived(long arrival)
    {
        var sent = Interlocked.Exchange(ref _echoMarkerSentTicks, 0);
        if (sent == 0 || arrival < sent || arrival - sent > MarkerPeriod || !Recording)
        {
            return;
        }

        lock (_browserToPbxMs)
        {
            _pbxToBrowserMs.Add(Milliseconds(arrival - sent));
        }
    }

    private static bool TryPayload(ReadOnlySpan<byte> packet, out ReadOnlySpan<byte> payload)
    {
        payload = default;
        if (packet.Length < 12 || (packet[0] >> 6) != 2 || (packet[1] & 0x7F) != PcmuPayloadType)
        {
            return false;
        }

        var header = 12 + (4 * (packet[0] & 0x0F));
        if ((packet[0] & 0x10) != 0 && packet.Length >= header + 4)
        {
            header += 4 + (4 * BinaryPrimitives.ReadUInt16BigEndian(packet[(header + 2)..]));
        }

        if (header >= packet.Length)
        {
            return false;
        }

        payload = packet[header..];
        return true;
    }

    private long Extend(ushort sequence)
    {
        var extended = _highestSequence < 0 ? sequence : _highestSequence + (short)(sequence - (ushort)_highestSequence);
        _highestSequence = Math.Max(_highestSequence, extended);
        return extended;
    }

    private bool TryArrival(long sequence, out long ticks)
    {
        var slot = (int)(((sequence % ArrivalRing) + ArrivalRing) % ArrivalRing);
        ticks = _arrivalTicks[slot];
        return sequence >= 0 && _arrivalSequence[slot] == sequence && ticks != 0;
    }

    private static double Milliseconds(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;

    private IReadOnlyList<double> Snapshot(List<double> samples)
    {
        lock (_browserToPbxMs)
        {
            return [.. samples];
        }
    }
}
