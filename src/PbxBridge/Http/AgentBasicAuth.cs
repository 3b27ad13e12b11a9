using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using PbxBridge.Sip;
using PbxBridge.Sip.Auth;
using PbxBridge.Sip.Registrar;

namespace PbxBridge.Http;

/// <summary>
/// HTTP Basic with an agent's SIP id and password, for the agent-only API (ICE servers, network check): the password
/// is checked against the agent's HA1 as a digest would be, and failures count into the SIP stack's own per-address
/// record (<see cref="AuthFailureLimiter"/>, Limits:AuthFailures): an address SIP would refuse gets 429 with
/// Retry-After here too, so these endpoints are no faster a password oracle than SIP itself.
/// </summary>
internal static class AgentBasicAuth
{
    /// <summary>The authenticated agent's id, or null with <paramref name="refusal"/> to return as it is.</summary>
    public static string? Authenticate(HttpContext context, ISipAgentDirectory agents, SipStack sip, out IResult refusal)
    {
        refusal = Results.Empty;
        var address = context.Connection.RemoteIpAddress ?? IPAddress.None;
        if (sip.AuthFailures.Check(address, out var retryAfter) != AuthThrottle.Allow)
        {
            sip.AuthFailures.RecordFailure(address);
            context.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            refusal = Results.StatusCode(StatusCodes.Status429TooManyRequests);
            return null;
        }

        if (!TryAuthenticate(context.Request.Headers.Authorization.ToString(), agents, out var agentId))
        {
            sip.AuthFailures.RecordFailure(address);
            context.Response.Headers.WWWAuthenticate = "Basic realm=\"pbxbridge\", charset=\"UTF-8\"";
            refusal = Results.StatusCode(StatusCodes.Status401Unauthorized);
            return null;
        }

        sip.AuthFailures.RecordSuccess(address);
        return agentId;
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
