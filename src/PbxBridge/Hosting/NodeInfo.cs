namespace PbxBridge.Hosting;

/// <summary>This process: its node id (logs, metrics, a future cluster) and when it started.</summary>
public sealed record NodeInfo(string Id, DateTimeOffset StartedAt);
