namespace PbxBridge.WebRtc.Stun;

/// <summary>
/// The 14-bit message type of RFC 8489 §5: method bits M0..M11 with the class bits C0 and C1 interleaved at
/// positions 4 and 8.
/// </summary>
public static class StunMessageType
{
    public const ushort BindingRequest = 0x0001;
    public const ushort BindingSuccessResponse = 0x0101;
    public const ushort BindingErrorResponse = 0x0111;

    public static ushort Compose(ushort method, StunClass stunClass)
    {
        var c = (int)stunClass;
        return (ushort)((method & 0x000F) | ((method & 0x0070) << 1) | ((method & 0x0F80) << 2) |
                        ((c & 1) << 4) | ((c & 2) << 7));
    }

    public static ushort MethodOf(ushort messageType) =>
        (ushort)((messageType & 0x000F) | ((messageType >> 1) & 0x0070) | ((messageType >> 2) & 0x0F80));

    public static StunClass ClassOf(ushort messageType) =>
        (StunClass)(((messageType >> 4) & 1) | ((messageType >> 7) & 2));
}
