using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Serialization;
using PbxBridge.Configuration;
using PbxBridge.Sip;
using PbxBridge.Sip.Auth;
using PbxBridge.Sip.Registrar;

namespace PbxBridge.Http;

/// <summary>
/// GET /api/ice-servers: the RTCIceServer list an agent's page puts in its RTCPeerConnection configuration
/// (JsSIP pcConfig.iceServers, SIP.js peerConnectionConfiguration.iceServers), with TURN credentials made for that
/// agent (<see cref="TurnRestCredentials"/>). Only for an agent: HTTP Basic with its SIP id and password, checked
/// against its HA1 like a digest would be. Failures count into the SIP stack's own per-address record
/// (<see cref="AuthFailureLimiter"/>, Limits:AuthFailures, swept with it): an address that SIP would refuse gets 429
/// with Retry-After here, so the endpoint is no faster a password oracle than SIP itself.
/// </summary>
public static class IceServersEndpoint
{
    public static void Map(WebApplication app, PbxBridgeSettings settings)
    {
        app.MapGet("/api/ice-servers", (HttpContext context, ISipAgentDirectory agents, SipStack sip) =>
        {
            var address = context.Connection.RemoteIpAddress ?? IPAddress.None;
            if (sip.AuthFailures.Check(address, out var retryAfter) != AuthThrottle.Allow)
            {
                sip.AuthFailures.RecordFailure(address);
                context.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                return Results.StatusCode(StatusCodes.Status429TooManyRequests);
            }

            if (!TryAuthenticate(context.Request.Headers.Authorization.ToString(), agents, out var agentId))
            {
                sip.AuthFailures.RecordFailure(address);
                context.Response.Headers.WWWAuthenticate = "Basic realm=\"pbxbridge\", charset=\"UTF-8\"";
                return Results.StatusCode(StatusCodes.Status401Unauthorized);
            }

            sip.AuthFailures.RecordSuccess(address);
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

    private static bool TryAuthenticate(string authorization, ISipAgentDirectory agents, out string agentId)
    {
        agentId = "";
        if (!authorization.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        string decoded;
        try
        {
            decoded = Encoding.UTF8.GetString(Convert.FromBase64String(authorization[6..].Trim()));
        }
        catch (FormatException)
        {
            return false;
        }

        var colon = decoded.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0 || !agents.TryGetAgent(decoded[..colon], out var agent))
        {
            return false;
        }

        var ha1 = SipDigestHa1.ComputeMd5(agent.AgentId, agents.Realm, decoded[(colon + 1)..]);
        if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(ha1), Encoding.ASCII.GetBytes(agent.Ha1Md5.ToLowerInvariant())))
        {
            return false;
        }

        agentId = agent.AgentId;
        return true;
    }
}

public sealed record IceServer(IReadOnlyList<string> Urls, string Username, string Credential);

public sealed record IceServersReply(IReadOnlyList<IceServer> IceServers);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(IceServersReply))]
internal sealed partial class IceServersJsonContext : JsonSerializerContext;
