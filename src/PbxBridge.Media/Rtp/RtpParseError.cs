namespace PbxBridge.Media.Rtp;

/// <summary>Why a datagram is not a usable RTP packet (RFC 3550 §5.1); counted, never thrown.</summary>
public enum RtpParseError
{
    None,
    TooShortForFixedHeader,
    UnsupportedVersion,
    CsrcListPastEnd,
    ExtensionPastEnd,
    PaddingInvalid,
}
