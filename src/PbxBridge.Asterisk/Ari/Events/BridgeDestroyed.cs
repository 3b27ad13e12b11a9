using PbxBridge.Asterisk.Ari.Models;

namespace PbxBridge.Asterisk.Ari.Events;

/// <summary>A bridge was destroyed.</summary>
public sealed class BridgeDestroyed : AriEvent
{
    public Bridge Bridge { get; set; } = new();
}
