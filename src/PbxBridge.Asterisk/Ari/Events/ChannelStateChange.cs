namespace PbxBridge.Asterisk.Ari.Events;

/// <summary>The channel's state changed (Ring, Ringing, Up, Busy ...).</summary>
public sealed class ChannelStateChange : ChannelEvent
{
}
