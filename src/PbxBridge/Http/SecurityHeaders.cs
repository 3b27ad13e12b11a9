namespace PbxBridge.Http;

/// <summary>
/// Headers for the /phone page: its own scripts and styles only (no inline code, so an injected string cannot run),
/// WebSocket connections to itself or another wss:// server (the page lets an agent point it at one), never inside
/// another site's frame (a page that frames it could trick an agent into clicks); and on every answer no MIME
/// sniffing and no Referer leaving with the URL. Source maps are not served: they give away the page's sources to
/// anyone, and an operator debugging the page builds one locally.
/// </summary>
public static class SecurityHeaders
{
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; media-src 'self' blob:; " +
        "connect-src 'self' wss:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    public static Task ApplyAsync(HttpContext context, RequestDelegate next)
    {
        if (context.Request.Path.Value?.EndsWith(".map", StringComparison.OrdinalIgnoreCase) == true)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        }

        var headers = context.Response.Headers;
        if (context.Request.Path.StartsWithSegments("/phone", StringComparison.OrdinalIgnoreCase))
        {
            // The page only: JSON and WebSocket answers render nothing a policy could protect.
            headers.ContentSecurityPolicy = ContentSecurityPolicy;

            // Older browsers know frame-ancestors only through this one.
            headers.XFrameOptions = "DENY";
        }

        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        return next(context);
    }
}
