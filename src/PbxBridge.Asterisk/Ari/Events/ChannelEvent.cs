using PbxBridge.Asterisk.Ari.Models;

namespace PbxBridge.Asterisk.Ari.Events;

/// <summary>An event about one channel (ARI puts it in the <c>channel</c> property).</summary>
public abstract class ChannelEvent : AriEvent
{
    public Channel Channel { get; set; } = new();
}
