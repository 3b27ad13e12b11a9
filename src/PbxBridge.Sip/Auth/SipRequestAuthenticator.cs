using System.Globalization;
using System.Net;
using Microsoft.Extensions.Logging;
using PbxBridge.Sip.Message;
using PbxBridge.Sip.Registrar;

namespace PbxBridge.Sip.Auth;

/// <summary>Digest authentication of a request (RFC 3261 §22): challenges with one header per algorithm,
/// verifies against the agent's HA1, enforces nonce expiry (stale=true) and nonce-count replay protection,
/// and throttles sources that keep failing (403, then 429 with Retry-After, each answer later than the last).</summary>
internal sealed class SipRequestAuthenticator
{
    private readonly SipStackOptions _options;
    private readonly ISipAgentDirectory _agents;
    private readonly SipStackCounters _counters;

    public SipRequestAuthenticator(SipStackOptions options, ISipAgentDirectory agents, SipStackCounters counters, ILogger logger)
    {
        _options = options;
        _agents = agents;
        _counters = counters;
        Nonces = new DigestNonceStore(options.TimeProvider, options.NonceLifetime);
        Limiter = new AuthFailureLimiter(options.TimeProvider, options.MaxAuthFailures, options.AuthFailureWindow, options.AuthThrottleMaxDelay, logger);
    }

    public DigestNonceStore Nonces { get; }

    public AuthFailureLimiter Limiter { get; }

    /// <summary>Returns the authenticated agent id, or null with the response to send instead and how long to hold it
    /// back (non-zero only for a throttled source: the caller schedules it, never sleeps).</summary>
    /// <param name="proxy">INVITEs are challenged with 407 / Proxy-Authenticate as a proxy-registrar would.</param>
    public string? Authenticate(SipRequest request, IPAddress source, bool proxy, out SipResponse? rejection, out TimeSpan delay)
    {
        rejection = null;
        delay = TimeSpan.Zero;
        switch (Limiter.Check(source, out var retryAfter))
        {
            case AuthThrottle.TooMany:
                rejection = SipResponse.For(request, 429, "Too Many Requests");
                rejection.Headers.Add(SipHeaderNames.RetryAfter, Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture));
                _counters.AuthThrottledOnce();
                delay = Limiter.RecordFailure(source);
                return null;
            case AuthThrottle.Forbid:
                rejection = SipResponse.For(request, 403, "Forbidden");
                _counters.AuthThrottledOnce();
                delay = Limiter.RecordFailure(source);
                return null;
        }

        var credentials = FindCredentials(request, proxy);
        if (credentials is null)
        {
            rejection = Challenge(request, proxy, stale: false);
            return null;
        }

        if (!DigestUriMatches(credentials.Uri, request))
        {
            // RFC 2617 §3.2.2.5 / RFC 7616 §3.4.6: the digest covers "uri", so an Authorization lifted from another
            // request (another destination, another agent's REGISTER) must not pass for this one. 400, as the RFCs say.
            _counters.DigestUriMismatched();
            rejection = SipResponse.For(request, 400, "Digest URI Mismatch");
            return null;
        }

        if (!_agents.TryGetAgent(credentials.Username, out var agent))
        {
            return Fail(request, source, proxy, out rejection, out delay);
        }

        if (request.Method == SipMethod.Register && request.To?.Uri?.User != credentials.Username)
        {
            // An agent may only register its own address-of-record.
            rejection = SipResponse.For(request, 403, "Forbidden");
            return null;
        }

        var ha1 = credentials.Algorithm == DigestAlgorithm.Sha256 ? agent.Ha1Sha256 : agent.Ha1Md5;
        if (!DigestAuthenticator.Verify(credentials, ha1, request.Method))
        {
            return Fail(request, source, proxy, out rejection, out delay);
        }

        if (Nonces.Check(credentials.Nonce, credentials.NonceCount) != NonceCheck.Valid)
        {
            // Expired, unknown, or a nonce-count already used: a fresh challenge with stale=true (the digest itself was
            // right). Not an authentication failure: SIP.js 0.21 resends its last Authorization verbatim on the next
            // REGISTER (same nonce, nc=00000001), and must not be throttled for it.
            rejection = Challenge(request, proxy, stale: true);
            return null;
        }

        Limiter.RecordSuccess(source);
        return agent.AgentId;
    }

    private string? Fail(SipRequest request, IPAddress source, bool proxy, out SipResponse rejection, out TimeSpan delay)
    {
        _counters.AuthFailed();
        delay = Limiter.RecordFailure(source);
        rejection = Limiter.Check(source, out _) == AuthThrottle.Allow
            ? Challenge(request, proxy, stale: false)
            : SipResponse.For(request, 403, "Forbidden");
        return null;
    }

    /// <summary>The digest's uri is the Request-URI: the same text (what JsSIP and SIP.js send), or the same SIP URI
    /// (RFC 3261 §19.1.4: scheme and host compared without case, user with case, same port and parameters).</summary>
    private static bool DigestUriMatches(string digestUri, SipRequest request)
    {
        if (string.Equals(digestUri, request.RequestUri, StringComparison.Ordinal))
        {
            return true;
        }

        return SipUri.IsSipScheme(digestUri) && SipUri.TryParse(digestUri, out var uri, out _) && request.RequestSipUri is { } target &&
            string.Equals(uri!.ToString(), target.ToString(), StringComparison.OrdinalIgnoreCase) && uri.User == target.User;
    }

    private DigestCredentials? FindCredentials(SipRequest request, bool proxy)
    {
        foreach (var value in request.Headers.GetFieldValues(proxy ? SipHeaderNames.ProxyAuthorization : SipHeaderNames.Authorization))
        {
            if (DigestCredentials.TryParse(value, out var c, out _) && c!.Realm == _agents.Realm)
            {
                return c;
            }
        }

        return null;
    }

    private SipResponse Challenge(SipRequest request, bool proxy, bool stale)
    {
        var response = SipResponse.For(request, proxy ? 407 : 401, proxy ? "Proxy Authentication Required" : "Unauthorized");
        var nonce = Nonces.Issue();
        foreach (var algorithm in _options.DigestAlgorithms)
        {
            var challenge = new DigestChallenge(_agents.Realm, nonce, algorithm, "auth", stale);
            response.Headers.Add(proxy ? SipHeaderNames.ProxyAuthenticate : SipHeaderNames.WwwAuthenticate, challenge.ToHeaderValue());
        }

        return response;
    }
}
