namespace PbxBridge.Asterisk.Ari.Models;

/// <summary>ARI AsteriskInfo (GET /asterisk/info); each part is absent when filtered out with <c>only</c>.</summary>
public sealed class AsteriskInfo
{
    public BuildInfo? Build { get; set; }

    public SystemInfo? System { get; set; }

    public StatusInfo? Status { get; set; }
}

/// <summary>ARI BuildInfo.</summary>
public sealed class BuildInfo
{
    public string Os { get; set; } = "";

    public string Kernel { get; set; } = "";

    public string Machine { get; set; } = "";

    public string Options { get; set; } = "";

    public string Date { get; set; } = "";

    public string User { get; set; } = "";
}

/// <summary>ARI SystemInfo: the version string ("22.10.1") and entity id.</summary>
public sealed class SystemInfo
{
    public string Version { get; set; } = "";

    public string EntityId { get; set; } = "";
}

/// <summary>ARI StatusInfo: startup and reload times (a changed startup_time means Asterisk restarted).</summary>
public sealed class StatusInfo
{
    public string StartupTime { get; set; } = "";

    public string LastReloadTime { get; set; } = "";
}
