using System.Net;

namespace PbxBridge.WebRtc;

/// <summary>A snapshot of one browser leg's counters, for the admin API, metrics and tests.</summary>
public sealed record WebRtcStatistics
{
    public long PacketsReceived { get; init; }
    public long RtpPacketsDelivered { get; init; }
    public long RtcpPacketsReceived { get; init; }
    public long RtpPacketsSent { get; init; }
    public long SrtpAuthenticationFailures { get; init; }
    public long SrtpReplaysDropped { get; init; }
    public long SrtpMalformed { get; init; }
    public long SrtcpAuthenticationFailures { get; init; }
    public long StunBadIntegrity { get; init; }
    public long StunErrorResponses { get; init; }
    public long StunValidChecks { get; init; }
    public long DroppedBeforeConnected { get; init; }
    public long DroppedFromUnverifiedAddress { get; init; }
    public long UnknownDatagrams { get; init; }
    public long SendsDroppedNotConnected { get; init; }
    public long SendsDroppedByDirection { get; init; }
    public long ReceiveErrors { get; init; }
    public IPEndPoint? SelectedRemote { get; init; }
    public string DtlsState { get; init; } = "new";
    public string? DtlsRole { get; init; }
    public string? DtlsCipher { get; init; }
    public string? SrtpCipher { get; init; }
}
