using System.Net;
using System.Security.Cryptography;
using System.Text;

namespace PbxBridge.Http;

/// <summary>
/// The admin API answers loopback callers, and others only with `Authorization: Bearer &lt;Http:AdminToken&gt;`
/// (compared in constant time). Without a token configured, only loopback gets in.
/// </summary>
public sealed class AdminAccess(string token) : IEndpointFilter
{
    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        return IsAllowed(http.Connection.RemoteIpAddress, http.Request.Headers.Authorization.ToString())
            ? next(context)
            : ValueTask.FromResult<object?>(Results.Problem("admin API: loopback only, or Authorization: Bearer <Http:AdminToken>", statusCode: 403));
    }

    public bool IsAllowed(IPAddress? remote, string authorization)
    {
        if (remote is not null && IPAddress.IsLoopback(remote))
        {
            return true;
        }

        const string scheme = "Bearer ";
        if (token.Length == 0 || !authorization.StartsWith(scheme, StringComparison.Ordinal))
        {
            return false;
        }

        return CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(authorization[scheme.Length..]), Encoding.UTF8.GetBytes(token));
    }
}
