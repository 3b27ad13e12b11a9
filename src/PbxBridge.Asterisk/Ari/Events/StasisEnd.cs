namespace PbxBridge.Asterisk.Ari.Events;

/// <summary>A channel left our app. For channels that entered from the dialplan this is the last event we get.</summary>
public sealed class StasisEnd : ChannelEvent
{
}
