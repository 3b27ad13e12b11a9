namespace PbxBridge.Asterisk.Ari.Events;

/// <summary>"A channel initiated a media unhold": the end of a <see cref="ChannelHold"/>.</summary>
public sealed class ChannelUnhold : ChannelEvent
{
}
