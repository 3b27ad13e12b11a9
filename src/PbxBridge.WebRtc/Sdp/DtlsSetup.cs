namespace PbxBridge.WebRtc.Sdp;

/// <summary><c>a=setup</c> (RFC 4145 §4, RFC 5763 §5): who opens the DTLS association.</summary>
public enum DtlsSetup
{
    /// <summary>This side sends the ClientHello: DTLS client.</summary>
    Active,

    /// <summary>This side waits for the ClientHello: DTLS server.</summary>
    Passive,

    /// <summary>The offerer lets the answerer choose (what every browser offers).</summary>
    ActPass,
}
