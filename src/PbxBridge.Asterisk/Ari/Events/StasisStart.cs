namespace PbxBridge.Asterisk.Ari.Events;

/// <summary>A channel entered our Stasis app; <see cref="Args"/> are the app arguments (e.g. ["agent=1001"]).</summary>
public sealed class StasisStart : ChannelEvent
{
    public List<string> Args { get; set; } = [];
}
