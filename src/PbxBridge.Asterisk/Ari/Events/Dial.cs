using PbxBridge.Asterisk.Ari.Models;

namespace PbxBridge.Asterisk.Ari.Events;

/// <summary>Dialing state of <see cref="Peer"/>: dialstatus "" (started), RINGING, PROGRESS, ANSWER, BUSY, NOANSWER ...</summary>
public sealed class Dial : AriEvent
{
    public Channel Peer { get; set; } = new();

    public Channel? Caller { get; set; }

    public string Dialstatus { get; set; } = "";

    public string Dialstring { get; set; } = "";

    public string Forward { get; set; } = "";
}
