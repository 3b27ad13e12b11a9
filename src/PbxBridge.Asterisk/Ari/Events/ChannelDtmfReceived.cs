namespace PbxBridge.Asterisk.Ari.Events;

/// <summary>A DTMF digit ended on the channel.</summary>
public sealed class ChannelDtmfReceived : ChannelEvent
{
    public string Digit { get; set; } = "";

    public int DurationMs { get; set; }
}
