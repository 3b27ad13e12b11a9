namespace PbxBridge.Asterisk.Ari;

/// <summary>
/// Parameters of POST /channels/create: a channel that exists (and is in <paramref name="App"/>) before it is dialed
/// with POST /channels/{id}/dial, so it can be bridged first and media flows before answer (early media).
/// </summary>
/// <param name="Endpoint">Tech/resource to dial, e.g. "Local/600@pbxbridge-outbound".</param>
/// <param name="App">The Stasis app the channel is in from its creation on.</param>
public sealed record CreateChannelRequest(string Endpoint, string App)
{
    /// <summary>Comma-separated app arguments (StasisStart.args).</summary>
    public string? AppArgs { get; init; }

    public string? ChannelId { get; init; }

    /// <summary>Id of the Local channel's ;2 half.</summary>
    public string? OtherChannelId { get; init; }

    /// <summary>Set it to the externalMedia format: without it Asterisk transcodes through slin@192000.</summary>
    public string? Formats { get; init; }

    /// <summary>
    /// Channel variables set before the dial (the JSON body's "variables"). Create has no callerId parameter: the
    /// caller id originate sets is CALLERID(all) and CONNECTEDLINE(all) here (a Local ;2 half takes its caller from
    /// the ;1 half's connected line).
    /// </summary>
    public IReadOnlyDictionary<string, string>? Variables { get; init; }
}
