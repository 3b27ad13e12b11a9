namespace PbxBridge.Asterisk.Ari.Events;

/// <summary>ARI Event (base of every message on the events WebSocket).</summary>
public abstract class AriEvent
{
    public string Type { get; set; } = "";

    /// <summary>As Asterisk writes it, e.g. "2026-11-22T22:15:30.158+0000" (kept as text: not ISO 8601 with a colon).</summary>
    public string Timestamp { get; set; } = "";

    public string Application { get; set; } = "";

    public string AsteriskId { get; set; } = "";
}
