namespace PbxBridge.WebRtc.Stun;

/// <summary>STUN methods this service speaks. ICE only ever uses Binding (RFC 8445 §7).</summary>
public static class StunMethod
{
    public const ushort Binding = 0x001;
}
