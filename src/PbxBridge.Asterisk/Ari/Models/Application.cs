namespace PbxBridge.Asterisk.Ari.Models;

/// <summary>ARI Application: a Stasis app and what it is subscribed to.</summary>
public sealed class Application
{
    public string Name { get; set; } = "";

    public List<string> ChannelIds { get; set; } = [];

    public List<string> BridgeIds { get; set; } = [];

    public List<string> EndpointIds { get; set; } = [];

    public List<string> DeviceNames { get; set; } = [];
}
