namespace PbxBridge.WebRtc.Dtls;

/// <summary>The DTLS transport states as RTCDtlsTransportState names them, so our stats read like the browser's.</summary>
public enum DtlsState
{
    New,
    Connecting,
    Connected,
    Closed,
    Failed,
}
