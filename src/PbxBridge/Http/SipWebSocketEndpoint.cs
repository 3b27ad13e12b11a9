using System.Net;
using PbxBridge.Hosting;
using PbxBridge.Sip;

namespace PbxBridge.Http;

/// <summary>wss://host:port/sip: SIP over WebSocket (RFC 7118), sub-protocol "sip", one connection per browser tab.</summary>
public static class SipWebSocketEndpoint
{
    public const string SubProtocol = "sip";

    /// <summary>A slot frees when one of the address's agents closes a tab: nobody can say when, so a short wait.</summary>
    private const string RetryAfterSeconds = "30";

    public static void Map(WebApplication app)
    {
        app.Map("/sip", async (HttpContext context, SipStack sip, ConnectionsPerAddressLimiter limiter, OriginPolicy origins, ILoggerFactory loggers, SipConnectionLifetime lifetime) =>
        {
            if (!context.WebSockets.IsWebSocketRequest)
            {
                context.Response.StatusCode = StatusCodes.Status426UpgradeRequired;
                await context.Response.WriteAsync("SIP over WebSocket (RFC 7118): connect with sub-protocol \"sip\".");
                return;
            }

            if (!context.WebSockets.WebSocketRequestedProtocols.Contains(SubProtocol, StringComparer.OrdinalIgnoreCase))
            {
                // RFC 7118 §4: the handshake must negotiate "sip"; browsers' SIP libraries always ask for it.
                context.Response.StatusCode = StatusCodes.Status400BadRequest;
                await context.Response.WriteAsync("WebSocket sub-protocol \"sip\" required (RFC 7118).");
                return;
            }

            var remote = new IPEndPoint(context.Connection.RemoteIpAddress ?? IPAddress.None, context.Connection.RemotePort);
            var origin = context.Request.Headers.Origin.ToString();
            if (!origins.Admit(origin, context.Request.Scheme, context.Request.Host.Value ?? ""))
            {
                // Before the connection-slot check: a foreign page must not use up the address's slots either.
                if (origins.TryTakeLogTurn(out var refusedOrigins))
                {
                    loggers.CreateLogger(typeof(SipWebSocketEndpoint)).LogWarning(
                        "{Count} SIP WebSocket upgrades refused with 403 since the last such line: a web page at {Origin} (from {Address}, and perhaps others) is not in Http:AllowedOrigins",
                        refusedOrigins, origin, remote.Address);
                }

                context.Response.StatusCode = StatusCodes.Status403Forbidden;
                await context.Response.WriteAsync("This web page's origin may not connect (Http:AllowedOrigins).");
                return;
            }


            using var lease = limiter.TryAcquire(remote.Address);
            if (lease is null)
            {
                // Refused before the upgrade, so the address holds no socket of ours. A browser's WebSocket API shows
                // no HTTP status (the page can only say it cannot connect); other clients and proxies see the 503.
                if (limiter.TryTakeLogTurn(out var refused))
                {
                    loggers.CreateLogger(typeof(SipWebSocketEndpoint)).LogWarning(
                        "{Count} SIP WebSocket upgrades refused with 503 since the last such line: {Address} (and perhaps others) already had Limits:MaxConnectionsPerAddress = {Max} connections open",
                        refused, remote.Address, limiter.MaxPerAddress);
                }

                context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                context.Response.Headers.RetryAfter = RetryAfterSeconds;
                await context.Response.WriteAsync("Too many SIP WebSocket connections from this address (Limits:MaxConnectionsPerAddress).");
                return;
            }

            using var socket = await context.WebSockets.AcceptWebSocketAsync(new WebSocketAcceptContext { SubProtocol = SubProtocol });
            // Not ApplicationStopping: during the SIGTERM drain live calls still need their connection (SipConnectionLifetime).
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, lifetime.Closing);
            await sip.RunWebSocketAsync(socket, remote, linked.Token);
        });
    }
}
