using PbxBridge.Calls.Media;

namespace PbxBridge.Calls;

/// <summary>A snapshot of one call for the admin API and `pbxbridge calls`.</summary>
public sealed record CallInfo(
    string Id,
    CallDirection Direction,
    CallState State,
    string AgentId,
    string RemoteParty,
    DateTimeOffset StartedAt,
    DateTimeOffset? AnsweredAt,
    string? PbxId,
    IReadOnlyDictionary<string, string> PbxDetails,
    string? BrowserAddress,
    string? PbxMediaLocal,
    string? PbxMediaRemote,
    string? PbxCodec,
    CallMediaCounters Media,
    string? EndReason);

/// <summary>Packet counters of a call's two directions.</summary>
public sealed record CallMediaCounters(
    long PacketsFromBrowser,
    long PacketsToPbx,
    long PacketsFromPbx,
    long PacketsToBrowser,
    long Lost,
    long Late,
    long Concealed,
    double JitterMs,
    long PbxPacketsIgnored,
    CallMediaRejections? Rejections = null);
