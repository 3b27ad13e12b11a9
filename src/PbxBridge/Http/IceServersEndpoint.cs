using System.Text.Json.Serialization;
using PbxBridge.Configuration;
using PbxBridge.Sip;

namespace PbxBridge.Http;

/// <summary>
/// GET /api/ice-servers: the RTCIceServer list an agent's page puts in its RTCPeerConnection configuration
/// (JsSIP pcConfig.iceServers, SIP.js peerConnectionConfiguration.iceServers), with TURN credentials made for that
/// agent (<see cref="TurnRestCredentials"/>). Only for an agent (<see cref="AgentBasicAuth"/>).
/// </summary>
public static class IceServersEndpoint
{
    public static void Map(WebApplication app, PbxBridgeSettings settings)
    {
        app.MapGet("/api/ice-servers", (HttpContext context, ISipAgentDirectory agents, SipStack sip) =>
        {
            if (AgentBasicAuth.Authenticate(context, agents, sip, out var refusal) is not { } agentId)
            {
                return refusal;
            }

            var media = settings.Media;
            if (media.TurnUrls.Length == 0)
            {
                return Results.Json(new IceServersReply([]), IceServersJsonContext.Default.IceServersReply);
            }

            var (username, credential) = TurnRestCredentials.Create(media.TurnSharedSecret, agentId, DateTimeOffset.UtcNow.AddSeconds(media.TurnCredentialSeconds));
            context.Response.Headers.CacheControl = "no-store";
            return Results.Json(new IceServersReply([new IceServer(media.TurnUrls, username, credential)]), IceServersJsonContext.Default.IceServersReply);
        });
    }
}

public sealed record IceServer(IReadOnlyList<string> Urls, string Username, string Credential);

public sealed record IceServersReply(IReadOnlyList<IceServer> IceServers);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(IceServersReply))]
internal sealed partial class IceServersJsonContext : JsonSerializerContext;
