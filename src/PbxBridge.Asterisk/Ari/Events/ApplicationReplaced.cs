namespace PbxBridge.Asterisk.Ari.Events;

/// <summary>Another WebSocket took over our application: this instance no longer receives events.</summary>
public sealed class ApplicationReplaced : AriEvent
{
}
