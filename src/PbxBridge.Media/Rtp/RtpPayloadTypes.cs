namespace PbxBridge.Media.Rtp;

/// <summary>
/// The static payload types the PBX side uses (RFC 3551 §6) plus Asterisk's fixed mapping for slin16, which
/// externalMedia sends as PT 118 without negotiation (recorded in the Asterisk reference notes).
/// </summary>
public static class RtpPayloadTypes
{
    public const byte Pcmu = 0;
    public const byte Pcma = 8;
    public const byte AsteriskSlin16 = 118;
}
