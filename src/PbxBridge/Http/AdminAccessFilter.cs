namespace PbxBridge.Http;

/// <summary>Puts <see cref="AdminAccess"/> in front of an endpoint: 403 with what would have opened it.</summary>
public sealed class AdminAccessFilter(AdminAccess access, bool loopbackOnly) : IEndpointFilter
{
    private const string Refusal =
        "admin API: send Authorization: Bearer <Http:AdminToken>, or from this host the token in <State:Directory>/admin-token " +
        "(the pbxbridge CLI reads it); loopback alone is trusted only with Http:TrustLoopback=true";

    private const string LoopbackOnlyRefusal =
        "loopback only, with the token in <State:Directory>/admin-token (or Http:TrustLoopback=true); Http:AdminToken does not open it";

    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        return access.Admit(http.Connection.RemoteIpAddress, http.Request.Headers.Authorization.ToString(), loopbackOnly)
            ? next(context)
            : ValueTask.FromResult<object?>(Results.Problem(loopbackOnly ? LoopbackOnlyRefusal : Refusal, statusCode: 403));
    }
}
