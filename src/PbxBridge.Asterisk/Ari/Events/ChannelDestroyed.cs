namespace PbxBridge.Asterisk.Ari.Events;

/// <summary>The channel is gone; <see cref="Cause"/> is the Q.850 cause (17 "User busy", 16 "Normal Clearing").</summary>
public sealed class ChannelDestroyed : ChannelEvent
{
    public int Cause { get; set; }

    public string CauseTxt { get; set; } = "";
}
