using System.Buffers.Binary;

namespace PbxBridge.Media.Dtmf;

/// <summary>
/// The RFC 4733 §2.3 telephone-event payload: event code, End bit, volume (dBm0 below 0, 6 bits) and the duration
/// so far in RTP clock units, all in 4 octets.
/// </summary>
public readonly record struct TelephoneEventPayload(byte Event, bool End, byte Volume, ushort Duration)
{
    public const int Length = 4;

    /// <summary>Reads the first event block; packets may carry redundant blocks after it (RFC 4733 §2.4.2), ignored.</summary>
    public static bool TryRead(ReadOnlySpan<byte> payload, out TelephoneEventPayload value)
    {
        if (payload.Length < Length)
        {
            value = default;
            return false;
        }

        value = new TelephoneEventPayload(
            payload[0],
            (payload[1] & 0x80) != 0,
            (byte)(payload[1] & 0x3F),
            BinaryPrimitives.ReadUInt16BigEndian(payload[2..]));
        return true;
    }

    public int Write(Span<byte> destination)
    {
        if (destination.Length < Length)
        {
            return 0;
        }

        destination[0] = Event;
        destination[1] = (byte)((End ? 0x80 : 0) | (Volume & 0x3F));
        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], Duration);
        return Length;
    }
}
