using System.Text.Json.Serialization;

namespace PbxBridge.Asterisk.Ari.Models;

/// <summary>ARI Channel as Asterisk 22 sends it (REST responses and the <c>channel</c> of events).</summary>
public sealed class Channel
{
    public string Id { get; set; } = "";

    public string Name { get; set; } = "";

    /// <summary>Down, Rsrved, OffHook, Dialing, Ring, Ringing, Up, Busy, Dialing Offhook, Pre-ring, Unknown.</summary>
    public string State { get; set; } = "";

    public string ProtocolId { get; set; } = "";

    public CallerId Caller { get; set; } = new();

    public CallerId Connected { get; set; } = new();

    public string Accountcode { get; set; } = "";

    public DialplanCep Dialplan { get; set; } = new();

    [JsonPropertyName("creationtime")]
    public string CreationTime { get; set; } = "";

    public string Language { get; set; } = "";

    /// <summary>Present on the externalMedia response: UNICASTRTP_LOCAL_ADDRESS / UNICASTRTP_LOCAL_PORT.</summary>
    [JsonPropertyName("channelvars")]
    public Dictionary<string, string>? ChannelVars { get; set; }
}
