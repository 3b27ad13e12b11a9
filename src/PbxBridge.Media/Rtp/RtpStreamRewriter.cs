using System.Buffers.Binary;
using System.Diagnostics;

namespace PbxBridge.Media.Rtp;

/// <summary>
/// Rewrites packets relayed toward the PBX so it sees ONE stream: our SSRC, sequence numbers that go on by one
/// and timestamps that keep media time, whatever the source does (a new SSRC after a re-INVITE or an ICE restart,
/// a sequence restart). Asterisk's strictrtp locks on to a stream and a fresh SSRC or a sequence jump makes it
/// re-learn (probation) and drop audio meanwhile; rtpengine and res_rtp_asterisk itself do the same rebasing.
/// When the source changes, the timestamp jumps by the wall-clock gap and the marker bit flags the new talkspurt.
/// Packets the PBX must not get (RFC 4733 events sent through ARI/ESL instead) are taken out with
/// <see cref="Suppress"/>, which closes the sequence gap they would leave.
/// </summary>
public sealed class RtpStreamRewriter
{
    /// <summary>A sequence jump this large within one SSRC is a restart, not loss or reordering.</summary>
    private const int MaxSequenceJump = 3000;

    private readonly uint _outputSsrc;
    private readonly int _clockRate;
    private readonly int _defaultFrameUnits;
    private bool _started;
    private uint _sourceSsrc;
    private ushort _sequenceOffset;
    private uint _timestampOffset;
    private ushort _highestOutputSequence;
    private ushort _highestSourceSequence;
    private uint _highestOutputTimestamp;
    private long _lastArrivalTicks;

    public RtpStreamRewriter(uint outputSsrc, ushort initialSequenceNumber, uint initialTimestamp, int clockRate, int frameDurationMs = 20)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(clockRate);
        _outputSsrc = outputSsrc;
        _clockRate = clockRate;
        _defaultFrameUnits = clockRate * frameDurationMs / 1000;
        _highestOutputSequence = (ushort)(initialSequenceNumber - 1);
        _highestOutputTimestamp = initialTimestamp - (uint)_defaultFrameUnits;
    }

    /// <summary>How many times the source changed (new SSRC or restarted sequence) and the stream was rebased.</summary>
    public int Rebases { get; private set; }

    /// <summary>
    /// Rewrites SSRC, sequence number, timestamp (and the marker on a rebase) in place.
    /// Returns false, leaving the buffer untouched, when it is not an RTP packet.
    /// </summary>
    public bool Rewrite(Span<byte> packet, long arrivalTimestamp)
    {
        if (!RtpPacket.TryParse(packet, out var parsed))
        {
            return false;
        }

        var sourceSsrc = parsed.Ssrc;
        var sourceSequence = parsed.SequenceNumber;
        var sourceTimestamp = parsed.Timestamp;
        var rebase = !_started
            || sourceSsrc != _sourceSsrc
            || Math.Abs(RtpSequence.Distance(_highestSourceSequence, sourceSequence)) > MaxSequenceJump;
        if (rebase)
        {
            Rebase(sourceSsrc, sourceSequence, sourceTimestamp, arrivalTimestamp);
            packet[1] |= 0x80;
        }

        var outputSequence = (ushort)(sourceSequence + _sequenceOffset);
        var outputTimestamp = sourceTimestamp + _timestampOffset;
        if (RtpSequence.IsNewer(sourceSequence, _highestSourceSequence) || rebase)
        {
            _highestSourceSequence = sourceSequence;
            _highestOutputSequence = outputSequence;
            _lastArrivalTicks = arrivalTimestamp;
        }

        if (RtpSequence.IsNewerTimestamp(outputTimestamp, _highestOutputTimestamp))
        {
            _highestOutputTimestamp = outputTimestamp;
        }

        BinaryPrimitives.WriteUInt16BigEndian(packet[2..], outputSequence);
        BinaryPrimitives.WriteUInt32BigEndian(packet[4..], outputTimestamp);
        BinaryPrimitives.WriteUInt32BigEndian(packet[8..], _outputSsrc);
        return true;
    }

    /// <summary>
    /// Takes a packet out of the relayed stream (an RFC 4733 event the PBX gets through ARI/ESL instead, a payload it
    /// cannot take) without leaving a hole: the sequence numbers that follow close up, so the PBX sees no loss.
    /// Returns false when it is not an RTP packet.
    /// </summary>
    public bool Suppress(ReadOnlySpan<byte> packet, long arrivalTimestamp)
    {
        if (!RtpPacket.TryParse(packet, out var parsed))
        {
            return false;
        }

        var sourceSequence = parsed.SequenceNumber;
        if (!_started || parsed.Ssrc != _sourceSsrc || Math.Abs(RtpSequence.Distance(_highestSourceSequence, sourceSequence)) > MaxSequenceJump)
        {
            // Nothing relayed from this source yet: its first relayed packet will be rebased anyway.
            return true;
        }

        if (RtpSequence.IsNewer(sourceSequence, _highestSourceSequence))
        {
            // Everything newer moves down by one; the media clock is untouched (the event covered real time).
            _sequenceOffset--;
            _highestSourceSequence = sourceSequence;
            _lastArrivalTicks = arrivalTimestamp;
        }

        return true;
    }

    private void Rebase(uint sourceSsrc, ushort sourceSequence, uint sourceTimestamp, long arrivalTimestamp)
    {
        var gapUnits = _defaultFrameUnits;
        if (_started)
        {
            Rebases++;
            var elapsedTicks = arrivalTimestamp - _lastArrivalTicks;
            var elapsedUnits = (long)(elapsedTicks * (double)_clockRate / Stopwatch.Frequency);
            gapUnits = (int)Math.Clamp(elapsedUnits, _defaultFrameUnits, int.MaxValue / 2);
        }

        _started = true;
        _sourceSsrc = sourceSsrc;
        _sequenceOffset = (ushort)(_highestOutputSequence + 1 - sourceSequence);
        _timestampOffset = _highestOutputTimestamp + (uint)gapUnits - sourceTimestamp;
    }
}
