using System.Text.Json.Serialization;
using PbxBridge.Calls;

namespace PbxBridge.Cluster;

/// <summary>
/// What a node says about itself in its heartbeat (Redis key pbxbridge:node:&lt;id&gt;, rewritten every
/// <see cref="ClusterHeartbeat.Interval"/> and gone <see cref="ClusterHeartbeat.TimeToLive"/> after the last one):
/// who it is, whether its PBX control connection is up, which agents are registered on it, its calls.
/// </summary>
public sealed record NodeSnapshot(
    string Node,
    string Version,
    DateTimeOffset StartedAt,
    DateTimeOffset HeartbeatAt,
    string PbxKind,
    bool PbxConnected,
    IReadOnlyList<string> Agents,
    IReadOnlyList<CallInfo> Calls);

/// <summary>
/// The cluster as one node sees it: from Redis ("redis": every node whose heartbeat is alive), or this node alone
/// ("local": no Cluster:Redis, or Redis unreachable now).
/// </summary>
public sealed record ClusterReport(string Source, string Node, IReadOnlyList<NodeSnapshot> Nodes);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, UseStringEnumConverter = true)]
[JsonSerializable(typeof(NodeSnapshot))]
[JsonSerializable(typeof(ClusterReport))]
public sealed partial class ClusterJsonContext : JsonSerializerContext;
