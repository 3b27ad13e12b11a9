namespace PbxBridge.Asterisk.Ari.Models;

/// <summary>ARI Module (GET /asterisk/modules/{name}): whether a module such as chan_rtp.so is running.</summary>
public sealed class Module
{
    public string Name { get; set; } = "";

    public string Description { get; set; } = "";

    public int UseCount { get; set; }

    public string Status { get; set; } = "";

    public string SupportLevel { get; set; } = "";
}
