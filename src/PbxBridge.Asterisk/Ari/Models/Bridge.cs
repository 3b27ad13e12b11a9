using System.Text.Json.Serialization;

namespace PbxBridge.Asterisk.Ari.Models;

/// <summary>ARI Bridge (a mixing bridge reports technology simple_bridge with two channels).</summary>
public sealed class Bridge
{
    public string Id { get; set; } = "";

    public string Technology { get; set; } = "";

    public string BridgeType { get; set; } = "";

    public string BridgeClass { get; set; } = "";

    public string Creator { get; set; } = "";

    public string Name { get; set; } = "";

    public List<string> Channels { get; set; } = [];

    [JsonPropertyName("creationtime")]
    public string CreationTime { get; set; } = "";

    public string VideoMode { get; set; } = "";
}
