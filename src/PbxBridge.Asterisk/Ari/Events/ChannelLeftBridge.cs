using PbxBridge.Asterisk.Ari.Models;

namespace PbxBridge.Asterisk.Ari.Events;

/// <summary>A channel left a bridge.</summary>
public sealed class ChannelLeftBridge : ChannelEvent
{
    public Bridge Bridge { get; set; } = new();
}
