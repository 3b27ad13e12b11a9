using System.Net;
using System.Net.WebSockets;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace PbxBridge.Sip.Tests.Support;

/// <summary>Kestrel on 127.0.0.1 that accepts WebSockets with sub-protocol "sip" at /sip and hands them to a stack;
/// ClientWebSockets play the browsers.</summary>
internal sealed class KestrelSipHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private KestrelSipHost(WebApplication app, Uri uri)
    {
        _app = app;
        Uri = uri;
    }

    public Uri Uri { get; }

    public static async Task<KestrelSipHost> StartAsync(SipStack stack)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        app.UseWebSockets();
        app.Map("/sip", async (HttpContext context) =>
        {
            if (!context.WebSockets.IsWebSocketRequest || !context.WebSockets.WebSocketRequestedProtocols.Contains("sip"))
            {
                context.Response.StatusCode = 400;
                return;
            }

            using var socket = await context.WebSockets.AcceptWebSocketAsync("sip");
            var remote = new IPEndPoint(context.Connection.RemoteIpAddress!, context.Connection.RemotePort);
            await stack.RunWebSocketAsync(socket, remote, context.RequestAborted);
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new KestrelSipHost(app, new Uri(address.Replace("http://", "ws://", StringComparison.Ordinal) + "/sip"));
    }

    public async Task<ClientWebSocket> ConnectAsync()
    {
        var ws = new ClientWebSocket();
        ws.Options.AddSubProtocol("sip");
        await ws.ConnectAsync(Uri, CancellationToken.None);
        Assert.Equal("sip", ws.SubProtocol);
        return ws;
    }

    public static Task SendAsync(ClientWebSocket ws, string text, WebSocketMessageType type = WebSocketMessageType.Text) =>
        ws.SendAsync(Encoding.UTF8.GetBytes(text), type, true, CancellationToken.None);

    /// <summary>The next whole frame as text; a Close frame comes back as null with <see cref="WebSocket.CloseStatus"/> set.</summary>
    public static async Task<string?> ReceiveAsync(ClientWebSocket ws, TimeSpan? timeout = null)
    {
        var buffer = new byte[70_000];
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        var count = 0;
        WebSocketReceiveResult result;
        do
        {
            result = await ws.ReceiveAsync(new ArraySegment<byte>(buffer, count, buffer.Length - count), cts.Token);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return null;
            }

            count += result.Count;
        }
        while (!result.EndOfMessage);

        return Encoding.UTF8.GetString(buffer, 0, count);
    }

    public static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var i = 0; i < 200 && !condition(); i++)
        {
            await Task.Delay(25);
        }

        Assert.True(condition());
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
