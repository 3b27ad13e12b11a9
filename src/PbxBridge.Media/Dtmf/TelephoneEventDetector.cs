using PbxBridge.Media.Rtp;

namespace PbxBridge.Media.Dtmf;

/// <summary>
/// Turns a stream of RFC 4733 telephone-event packets into key presses. All packets of one event share its start
/// timestamp (§2.5.1); the End bit is sent three times (§2.5.1.4) and counted once; an event whose end packets were
/// all lost is closed when the next event begins. An event longer than the 16-bit duration is continued in a new
/// segment whose timestamp is the old one plus its duration (§2.5.1.3) and is stitched back into one press.
/// </summary>
public sealed class TelephoneEventDetector
{
    private readonly int _clockRate;
    private bool _active;
    private bool _ended;
    private byte _event;
    private uint _timestamp;
    private int _lastDuration;
    private long _accumulated;

    public TelephoneEventDetector(int clockRate)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(clockRate);
        _clockRate = clockRate;
    }

    public TelephoneEventDetection Process(uint timestamp, ReadOnlySpan<byte> payload, out DtmfDigitEvent digit)
    {
        digit = default;
        if (!TelephoneEventPayload.TryRead(payload, out var value))
        {
            return TelephoneEventDetection.Malformed;
        }

        if (!DtmfEventCodes.TryGetDigit(value.Event, out var key))
        {
            return TelephoneEventDetection.None;
        }

        if (_active && timestamp == _timestamp)
        {
            _lastDuration = Math.Max(_lastDuration, value.Duration);
            if (value.End && !_ended)
            {
                _ended = true;
                digit = Completed();
                return TelephoneEventDetection.Ended;
            }

            return TelephoneEventDetection.None;
        }

        if (_active && !RtpSequence.IsNewerTimestamp(timestamp, _timestamp))
        {
            // A straggler from an earlier event, after a newer one began.
            return TelephoneEventDetection.None;
        }

        if (_active && !_ended && value.Event == _event && IsLongEventSegment(timestamp))
        {
            _accumulated += _lastDuration;
            _timestamp = timestamp;
            _lastDuration = value.Duration;
            return Finish(value.End, out digit, TelephoneEventDetection.None);
        }

        var previousUnfinished = _active && !_ended;
        var previous = previousUnfinished ? Completed() : default;
        _active = true;
        _ended = false;
        _event = value.Event;
        _timestamp = timestamp;
        _lastDuration = value.Duration;
        _accumulated = 0;
        if (previousUnfinished)
        {
            // Every end packet of the previous press was lost: it is over now that another began.
            digit = previous;
            return TelephoneEventDetection.Ended;
        }

        return Finish(value.End, out digit, TelephoneEventDetection.Began);

        TelephoneEventDetection Finish(bool end, out DtmfDigitEvent finished, TelephoneEventDetection otherwise)
        {
            finished = default;
            if (!end)
            {
                return otherwise;
            }

            _ended = true;
            finished = Completed();
            return TelephoneEventDetection.Ended;
        }
    }

    private bool IsLongEventSegment(uint timestamp)
    {
        var nearOverflow = _lastDuration >= ushort.MaxValue - (_clockRate / 10);
        var step = RtpSequence.TimestampDistance(_timestamp, timestamp);
        return nearOverflow && step > 0 && step <= _lastDuration + (_clockRate / 10);
    }

    private DtmfDigitEvent Completed()
    {
        DtmfEventCodes.TryGetDigit(_event, out var key);
        return new DtmfDigitEvent(key, TimeSpan.FromSeconds((_accumulated + _lastDuration) / (double)_clockRate));
    }
}
