namespace PbxBridge.Asterisk.Ari;

/// <summary>Parameters of POST /channels/externalMedia for UDP/RTP (the only transport PbxBridge uses).</summary>
/// <param name="App">Stasis app the channel is placed in (an unknown app gives 200 and a channel that dies at once).</param>
/// <param name="ExternalHost">"host:port" Asterisk sends RTP to, and the only source strictrtp accepts after 5 s.</param>
/// <param name="Format">"ulaw", "alaw", "slin16", "slin".</param>
/// <param name="ChannelId">Our own id ("pbxbridge-..."); a duplicate gives a generic 500.</param>
public sealed record ExternalMediaRequest(string App, string ExternalHost, string Format, string? ChannelId = null)
{
    public string Encapsulation { get; init; } = "rtp";

    public string Transport { get; init; } = "udp";

    public string Direction { get; init; } = "both";

    public string? Data { get; init; }

    /// <summary>Channel variables (the JSON body's "variables"), e.g. CALLERID(all): who this channel is to its bridge peer.</summary>
    public IReadOnlyDictionary<string, string>? Variables { get; init; }
}
