namespace PbxBridge.Asterisk.Ari.Events;

/// <summary>
/// A hangup was requested. When <see cref="Soft"/> is true, <see cref="Cause"/> is an AST_SOFTHANGUP_* bit mask
/// (32 explicit, 4 shutdown), not a Q.850 cause: the real cause comes with ChannelDestroyed.
/// </summary>
public sealed class ChannelHangupRequest : ChannelEvent
{
    public int? Cause { get; set; }

    public bool? Soft { get; set; }
}
