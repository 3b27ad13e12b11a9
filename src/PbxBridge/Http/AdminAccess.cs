using System.Net;
using System.Security.Cryptography;
using System.Text;

namespace PbxBridge.Http;

/// <summary>
/// Who may use the admin API (/api, /metrics): a caller with <c>Authorization: Bearer &lt;Http:AdminToken&gt;</c> or
/// with the host's <see cref="LocalAdminToken"/> (what the CLI sends), and loopback callers without a
/// token only when <c>Http:TrustLoopback</c> is set: a proxy or forwarder on the same host makes every remote client
/// look like loopback. Tokens are compared in constant time; refusals are counted for /metrics.
/// </summary>
public sealed class AdminAccess(string token, string localToken, bool trustLoopback)
{
    private long _refused;

    /// <summary>Requests refused so far.</summary>
    public long Refused => Interlocked.Read(ref _refused);

    /// <summary>The endpoint filter: <paramref name="loopbackOnly"/> for what a remote token must never open (a forced
    /// full GC stalls media threads).</summary>
    public IEndpointFilter Filter(bool loopbackOnly = false) => new AdminAccessFilter(this, loopbackOnly);

    public bool Admit(IPAddress? remote, string authorization, bool loopbackOnly = false)
    {
        if (IsAllowed(remote, authorization, loopbackOnly))
        {
            return true;
        }

        Interlocked.Increment(ref _refused);
        return false;
    }

    private bool IsAllowed(IPAddress? remote, string authorization, bool loopbackOnly)
    {
        var loopback = remote is not null && IPAddress.IsLoopback(remote.IsIPv4MappedToIPv6 ? remote.MapToIPv4() : remote);
        if (loopbackOnly && !loopback)
        {
            return false;
        }

        if (loopback && trustLoopback)
        {
            return true;
        }

        if (BearerToken(authorization) is not { } presented)
        {
            return false;
        }

        // The local token from any address: the CLI reaches a service bound to one address from that address, not
        // from loopback, and whoever can read the file is on this host as the service user or root anyway.
        return Matches(presented, localToken) || (!loopbackOnly && Matches(presented, token));
    }

    /// <summary>The credentials of a Bearer authorization, or null. The scheme name is case-insensitive (RFC 9110
    /// §11.1, which RFC 6750 §2.1 builds on): "bearer x" is as good as "Bearer x".</summary>
    private static string? BearerToken(string authorization)
    {
        var space = authorization.IndexOf(' ', StringComparison.Ordinal);
        if (space <= 0 || !authorization.AsSpan(0, space).Equals("Bearer", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var credentials = authorization[(space + 1)..].Trim(' ');
        return credentials.Length > 0 ? credentials : null;
    }

    private static bool Matches(string presented, string expected) =>
        expected.Length > 0 && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented), Encoding.UTF8.GetBytes(expected));
}
