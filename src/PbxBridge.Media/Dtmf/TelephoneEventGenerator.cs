namespace PbxBridge.Media.Dtmf;

/// <summary>
/// Produces the RFC 4733 packet train for one key press: one packet per interval with the growing duration, the
/// first with the marker bit (§2.5.1.3), then the final duration with the End bit three times (§2.5.1.4) so one
/// lost packet does not lose the end. Every packet carries the event's start timestamp. Durations are capped at
/// 0xFFFF clock units (1.36 s at 48 kHz), long enough for any key press we relay.
/// </summary>
public sealed class TelephoneEventGenerator
{
    public const int EndRetransmissions = 3;

    private readonly int _intervalUnits;
    private readonly byte _volume;
    private byte _event;
    private uint _timestamp;
    private int _totalUnits;
    private int _sentUnits;
    private int _endPacketsSent;
    private bool _first;

    /// <param name="clockRate">The telephone-event payload type's clock (48000 or 8000).</param>
    /// <param name="packetIntervalMs">Spacing of the packets (the audio packetisation interval).</param>
    /// <param name="volume">Power level in -dBm0 (RFC 4733 §2.3.2); 10 is what common endpoints send.</param>
    public TelephoneEventGenerator(int clockRate, int packetIntervalMs = 20, byte volume = 10)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(clockRate);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(packetIntervalMs);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(volume, (byte)63);
        ClockRate = clockRate;
        _intervalUnits = clockRate * packetIntervalMs / 1000;
        _volume = volume;
    }

    public int ClockRate { get; }

    public bool IsActive { get; private set; }

    /// <summary>Begins a press; a press still in progress is replaced.</summary>
    public void Start(char digit, TimeSpan duration, uint timestamp)
    {
        if (!DtmfEventCodes.TryGetEventCode(digit, out var code))
        {
            throw new ArgumentOutOfRangeException(nameof(digit), digit, "DTMF digits are 0-9, *, #, A-D.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(duration, TimeSpan.Zero);
        _event = code;
        _timestamp = timestamp;
        _totalUnits = (int)Math.Clamp(duration.TotalSeconds * ClockRate, _intervalUnits, ushort.MaxValue);
        _sentUnits = 0;
        _endPacketsSent = 0;
        _first = true;
        IsActive = true;
    }

    /// <summary>Writes the next 4-byte payload; false once the press is complete.</summary>
    public bool TryNext(Span<byte> payload, out bool marker, out uint timestamp)
    {
        marker = false;
        timestamp = _timestamp;
        if (!IsActive || payload.Length < TelephoneEventPayload.Length)
        {
            return false;
        }

        _sentUnits = Math.Min(_sentUnits + _intervalUnits, _totalUnits);
        var end = _sentUnits >= _totalUnits;
        new TelephoneEventPayload(_event, end, _volume, (ushort)_sentUnits).Write(payload);
        marker = _first;
        _first = false;
        if (end && ++_endPacketsSent >= EndRetransmissions)
        {
            IsActive = false;
        }

        return true;
    }
}
