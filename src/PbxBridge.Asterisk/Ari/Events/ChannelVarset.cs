namespace PbxBridge.Asterisk.Ari.Events;

/// <summary>A channel variable was set (STASISSTATUS, BRIDGEPEER ...).</summary>
public sealed class ChannelVarset : ChannelEvent
{
    public string Variable { get; set; } = "";

    public string Value { get; set; } = "";
}
