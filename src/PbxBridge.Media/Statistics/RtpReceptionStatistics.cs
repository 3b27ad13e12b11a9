using PbxBridge.Media.Rtcp;

namespace PbxBridge.Media.Statistics;

/// <summary>
/// What a receiver tracks about one source to fill an RTCP report block: RFC 3550 A.1 sequence validation (cycles
/// of the 16-bit sequence number, a jump past MAX_DROPOUT believed only when the next packet confirms it) and A.3
/// loss accounting (cumulative, and fraction lost since the previous report), plus A.8 jitter. Probation is not
/// applied: behind SRTP every packet is authenticated, so a stray source cannot get here.
/// </summary>
public sealed class RtpReceptionStatistics
{
    private const int MaxDropout = 3000;
    private const int MaxMisorder = 100;
    private const int SequenceModulo = 1 << 16;

    private InterarrivalJitter _jitter;
    private bool _started;
    private ushort _maxSequence;
    private uint _cycles;
    private uint _baseSequence;
    private int _badSequence = SequenceModulo + 1;
    private long _received;
    private long _expectedPrior;
    private long _receivedPrior;

    public RtpReceptionStatistics(int clockRate) => _jitter = new InterarrivalJitter(clockRate);

    public long Received => _received;

    /// <summary>Cycles (high 16 bits) and highest sequence number received (low 16 bits).</summary>
    public uint ExtendedHighestSequenceNumber => _cycles + _maxSequence;

    public long Expected => _started ? (long)ExtendedHighestSequenceNumber - _baseSequence + 1 : 0;

    /// <summary>Expected minus received: negative when duplicates arrived, as RFC 3550 allows.</summary>
    public long CumulativeLost => Expected - _received;

    public double JitterUnits => _jitter.Units;

    /// <summary>Counts one packet; false when it was set aside as a possible sequence restart (RFC 3550 A.1).</summary>
    public bool Update(ushort sequenceNumber, uint timestamp, long arrivalTicks)
    {
        if (!_started)
        {
            Restart(sequenceNumber);
            _started = true;
        }
        else
        {
            var delta = (ushort)(sequenceNumber - _maxSequence);
            if (delta < MaxDropout)
            {
                if (sequenceNumber < _maxSequence)
                {
                    _cycles += SequenceModulo;
                }

                _maxSequence = sequenceNumber;
            }
            else if (delta <= SequenceModulo - MaxMisorder)
            {
                if (sequenceNumber != _badSequence)
                {
                    // A big jump: believe it only if the next packet follows it.
                    _badSequence = (sequenceNumber + 1) & (SequenceModulo - 1);
                    return false;
                }

                Restart(sequenceNumber);
            }
        }

        _received++;
        _jitter.Update(timestamp, arrivalTicks);
        return true;
    }

    /// <summary>
    /// The report block for this source now (RFC 3550 A.3); the fraction lost covers the time since the previous
    /// call, so call it once per RTCP report. LSR/DLSR come from the caller, who knows when the last SR arrived.
    /// </summary>
    public RtcpReportBlock CreateReportBlock(uint ssrc, uint lastSenderReport = 0, uint delaySinceLastSenderReport = 0)
    {
        var expected = Expected;
        var expectedInterval = expected - _expectedPrior;
        var receivedInterval = _received - _receivedPrior;
        _expectedPrior = expected;
        _receivedPrior = _received;
        var lostInterval = expectedInterval - receivedInterval;
        var fraction = expectedInterval == 0 || lostInterval <= 0 ? 0 : (byte)((lostInterval << 8) / expectedInterval);
        return new RtcpReportBlock(
            ssrc,
            (byte)fraction,
            (int)Math.Clamp(CumulativeLost, -(1 << 23), (1 << 23) - 1),
            ExtendedHighestSequenceNumber,
            (uint)_jitter.Units,
            lastSenderReport,
            delaySinceLastSenderReport);
    }

    private void Restart(ushort sequenceNumber)
    {
        _baseSequence = sequenceNumber;
        _maxSequence = sequenceNumber;
        _badSequence = SequenceModulo + 1;
        _cycles = 0;
        _received = 0;
        _receivedPrior = 0;
        _expectedPrior = 0;
        _jitter.RestartTransit();
    }
}
