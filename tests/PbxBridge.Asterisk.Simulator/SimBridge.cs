namespace PbxBridge.Asterisk.Simulator;

/// <summary>A simulated mixing bridge (Asterisk picks simple_bridge for two channels).</summary>
internal sealed class SimBridge(string id, string type, string name)
{
    public string Id { get; } = id;

    public string Type { get; } = type;

    public string Name { get; } = name;

    public string Technology => Type == "mixing" ? "simple_bridge" : "holding_bridge";

    public string CreationTime { get; } = AriShapes.Now();

    public List<string> ChannelIds { get; } = [];

    /// <summary>The application its events go to: the one whose channel entered it first (null: the last connected).</summary>
    public string? Subscriber { get; set; }
}
