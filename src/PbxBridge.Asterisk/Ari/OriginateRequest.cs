namespace PbxBridge.Asterisk.Ari;

/// <summary>Parameters of POST /channels (originate) into a Stasis app.</summary>
/// <param name="Endpoint">Tech/resource to dial, e.g. "Local/600@pbxbridge-outbound".</param>
/// <param name="App">The Stasis app the answered channel enters.</param>
public sealed record OriginateRequest(string Endpoint, string App)
{
    /// <summary>Comma-separated app arguments (StasisStart.args).</summary>
    public string? AppArgs { get; init; }

    /// <summary>"Name &lt;number&gt;".</summary>
    public string? CallerId { get; init; }

    /// <summary>Seconds to wait for answer.</summary>
    public int? Timeout { get; init; }

    public string? ChannelId { get; init; }

    /// <summary>Id of the Local channel's ;2 half.</summary>
    public string? OtherChannelId { get; init; }

    /// <summary>Set it to the externalMedia format: without it Asterisk transcodes through slin@192000.</summary>
    public string? Formats { get; init; }
}
