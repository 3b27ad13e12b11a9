using System.Net;
using PbxBridge.Sip;

namespace PbxBridge.Http;

/// <summary>wss://host:port/sip: SIP over WebSocket (RFC 7118), sub-protocol "sip", one connection per browser tab.</summary>
public static class SipWebSocketEndpoint
{
    public const string SubProtocol = "sip";

    public static void Map(WebApplication app)
    {
        app.Map("/sip", async (HttpContext context, SipStack sip, IHostApplicationLifetime lifetime) =>
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

            using var socket = await context.WebSockets.AcceptWebSocketAsync(new WebSocketAcceptContext { SubProtocol = SubProtocol });
            var remote = new IPEndPoint(context.Connection.RemoteIpAddress ?? IPAddress.None, context.Connection.RemotePort);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, lifetime.ApplicationStopping);
            await sip.RunWebSocketAsync(socket, remote, linked.Token);
        });
    }
}
