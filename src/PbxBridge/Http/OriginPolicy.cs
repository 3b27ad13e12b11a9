namespace PbxBridge.Http;

/// <summary>
/// Which web pages may open the SIP WebSocket. Browsers send the page's Origin with every WebSocket handshake and let
/// any page connect anywhere (no same-origin rule for WebSockets), so without this check any page an agent or a
/// colleague opens behind the call center's NAT could use their address's connection slots or fail authentication
/// until the address is throttled. Allowed: the service's own origin (the scheme and Host of the request, i.e. the
/// /phone page), the configured <c>Http:AllowedOrigins</c>, and a handshake with no Origin at all: browsers always send
/// one, so its absence means a proxy or a SIP library outside a browser, for which the check would mean nothing.
/// </summary>
public sealed class OriginPolicy
{
    private readonly HashSet<string> _allowed = new(StringComparer.OrdinalIgnoreCase);
    private readonly bool _any;
    private long _refused;
    private readonly RefusalLogTurn _logTurn;

    public OriginPolicy(IEnumerable<string> allowedOrigins, TimeProvider time)
    {
        _logTurn = new RefusalLogTurn(time, LogWindow);
        foreach (var origin in allowedOrigins)
        {
            if (origin == "*")
            {
                _any = true;
            }
            else if (Normalize(origin) is { } normalized)
            {
                _allowed.Add(normalized);
            }
        }
    }

    /// <summary>Upgrades refused so far.</summary>
    public long Refused => Interlocked.Read(ref _refused);

    /// <summary>Refusals are logged once per this window, with how many there were.</summary>
    public static TimeSpan LogWindow { get; } = TimeSpan.FromMinutes(1);

    /// <summary>True when the page at <paramref name="origin"/> may connect to us at <paramref name="scheme"/>://<paramref name="host"/>
    /// (the request's own scheme and Host header); counts a refusal.</summary>
    public bool Admit(string? origin, string scheme, string host)
    {
        if (string.IsNullOrEmpty(origin) || _any)
        {
            return true;
        }

        // "null" (sandboxed frames, file:// pages) and anything else that is not an origin normalizes to null: refused.
        var normalized = Normalize(origin);
        if (normalized is not null && (_allowed.Contains(normalized) || string.Equals(normalized, Normalize(scheme + "://" + host), StringComparison.OrdinalIgnoreCase)))
        {
            return true;
        }

        Interlocked.Increment(ref _refused);
        return false;
    }

    /// <summary>True at most once per <see cref="LogWindow"/>, with the refusals since the last line.</summary>
    public bool TryTakeLogTurn(out long refusedSinceLastLine) => _logTurn.TryTake(Refused, out refusedSinceLastLine);

    /// <summary>scheme://host:port in lower case with the port always written (https://a and https://a:443 are one
    /// origin, RFC 6454 §4), or null when <paramref name="origin"/> is not an http(s) origin (a path, "null", garbage).</summary>
    public static string? Normalize(string origin)
    {
        if (!Uri.TryCreate(origin, UriKind.Absolute, out var uri)
            || uri.Scheme is not ("http" or "https")
            || uri.AbsolutePath != "/"
            || uri.Query.Length > 0 || uri.Fragment.Length > 0 || uri.UserInfo.Length > 0)
        {
            return null;
        }

        return uri.Scheme + "://" + uri.Host.ToLowerInvariant() + ":" + uri.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }
}
