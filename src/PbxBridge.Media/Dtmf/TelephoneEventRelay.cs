namespace PbxBridge.Media.Dtmf;

/// <summary>
/// Carries RFC 4733 events the PBX sends in its RTP (FreeSWITCH: RFC 2833, PT 101, for uuid_send_dtmf, an IVR's
/// send_dtmf, a bridged party's keys) onto our outgoing stream. An event is known by its RTP timestamp, which stays
/// the same in all its packets (§2.3.1); a new one is restamped at our stream's position and gets the marker bit
/// (§2.5.1.3); durations are rescaled from the PBX's clock to the negotiated one; the End bit and its
/// retransmissions (§2.5.1.4) pass through as they come, so the browser sees the PBX's own key press. Allocation-free.
/// </summary>
public sealed class TelephoneEventRelay
{
    // RFC 4733 §3.2: events 0-15 are the DTMF digits, the only ones browsers offer (a=fmtp:... 0-15).
    private const byte HighestDtmfEvent = 15;

    private readonly int _pbxClockRate;
    private readonly int _clockRate;
    private bool _hasEvent;
    private bool _ended;
    private uint _pbxTimestamp;
    private uint _timestamp;

    /// <param name="pbxClockRate">The PBX's telephone-event clock (8000 for telephone-event/8000).</param>
    /// <param name="clockRate">The browser's telephone-event clock (48000 or 8000).</param>
    public TelephoneEventRelay(int pbxClockRate, int clockRate)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(pbxClockRate);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(clockRate);
        _pbxClockRate = pbxClockRate;
        _clockRate = clockRate;
    }

    /// <summary>True from an event's first packet until its End bit: audio is held back meanwhile (§2.5.1.2).</summary>
    public bool IsActive => _hasEvent && !_ended;

    /// <summary>Our timestamp of the event being relayed (or the last one).</summary>
    public uint EventTimestamp => _timestamp;

    /// <summary>
    /// Rewrites one PBX event packet's payload into <paramref name="destination"/> (4 octets). False when it is to be
    /// dropped: not an event, not a DTMF digit, or a late non-final packet of an event that already ended.
    /// </summary>
    /// <param name="pbxTimestamp">The PBX packet's RTP timestamp.</param>
    /// <param name="payload">Its payload.</param>
    /// <param name="streamTimestamp">Our stream's current timestamp: where a new event starts.</param>
    /// <param name="destination">Receives the rewritten payload.</param>
    /// <param name="marker">True for the first packet of an event.</param>
    /// <param name="timestamp">The event's timestamp on our stream.</param>
    /// <param name="durationUnits">The event's duration so far on the browser clock.</param>
    public bool TryRelay(uint pbxTimestamp, ReadOnlySpan<byte> payload, uint streamTimestamp, Span<byte> destination, out bool marker, out uint timestamp, out int durationUnits)
    {
        marker = false;
        timestamp = _timestamp;
        durationUnits = 0;
        if (!TelephoneEventPayload.TryRead(payload, out var pbxEvent) || pbxEvent.Event > HighestDtmfEvent || destination.Length < TelephoneEventPayload.Length)
        {
            return false;
        }

        if (!_hasEvent || pbxTimestamp != _pbxTimestamp)
        {
            // A new key press (also when the previous one's End packets were all lost: its timestamp differs).
            _hasEvent = true;
            _ended = false;
            _pbxTimestamp = pbxTimestamp;
            _timestamp = streamTimestamp;
            marker = true;
        }
        else if (_ended && !pbxEvent.End)
        {
            // Reordered behind the End packets: the browser already has the final duration.
            return false;
        }

        durationUnits = (int)Math.Min((long)pbxEvent.Duration * _clockRate / _pbxClockRate, ushort.MaxValue);
        new TelephoneEventPayload(pbxEvent.Event, pbxEvent.End, pbxEvent.Volume, (ushort)durationUnits).Write(destination);
        _ended |= pbxEvent.End;
        timestamp = _timestamp;
        return true;
    }
}
