using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using PbxBridge.Browser.Tests.Harness;
using PbxBridge.Net;
using PbxBridge.WebRtc;
using PbxBridge.WebRtc.Transport;

namespace PbxBridge.Browser.Tests.WebRtc;

/// <summary>
/// The test-only signaling hook (the SIP layer is not involved in this proof): Kestrel on loopback serves
/// tests/browser/webrtc/echo.html and answers <c>POST /offer</c> with a <see cref="WebRtcEndpoint"/> whose
/// observer echoes the browser's RTP. http://localhost is a secure context, so the page may use the microphone.
/// </summary>
internal sealed class EchoSignalingServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly UdpPortPool _ports;
    private readonly DtlsCertificate _certificate = DtlsCertificate.Generate();
    private readonly WebRtcOptions _options;
    private readonly MediaEventLoop _loop = new("echo-media-loop", NullLogger.Instance);

    private EchoSignalingServer(WebApplication app, WebRtcOptions options, UdpPortPool ports, int port)
    {
        _app = app;
        _options = options;
        _ports = ports;
        PageUrl = new Uri($"http://localhost:{port}/webrtc/echo.html");
    }

    public Uri PageUrl { get; }

    public ConcurrentQueue<(WebRtcEndpoint Endpoint, EchoObserver Observer)> Legs { get; } = new();

    /// <summary>Applied to each answer before the page gets it (a NAT in between rewrites the candidate).</summary>
    public Func<string, string>? RewriteAnswer { get; set; }

    public static async Task<EchoSignalingServer> StartAsync(WebRtcOptions options, int firstUdpPort)
    {
        var port = FreeTcpPort.Next();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        var app = builder.Build();
        var server = new EchoSignalingServer(app, options, new UdpPortPool(IPAddress.Loopback, firstUdpPort, firstUdpPort + 19), port);
        var page = RepoPaths.BrowserScript("webrtc", "echo.html");
        app.MapGet("/webrtc/echo.html", () => Results.File(page, "text/html"));
        app.MapPost("/offer", server.AnswerAsync);
        app.MapPost("/reoffer", server.AnswerReofferAsync);
        await app.StartAsync();
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        while (Legs.TryDequeue(out var leg))
        {
            await leg.Endpoint.DisposeAsync();
        }

        await _app.StopAsync();
        await _app.DisposeAsync();
        _loop.Dispose();
    }

    private async Task<IResult> AnswerReofferAsync(HttpRequest request)
    {
        using var reader = new StreamReader(request.Body);
        var offer = await reader.ReadToEndAsync();
        if (!Legs.TryPeek(out var leg))
        {
            return Results.Text("no leg to re-negotiate", statusCode: 481);
        }

        var result = leg.Endpoint.AcceptReoffer(offer);
        return result.Succeeded ? Results.Text(result.Sdp, "application/sdp") : Results.Text(result.FailureReason, statusCode: 488);
    }

    private async Task<IResult> AnswerAsync(HttpRequest request)
    {
        using var reader = new StreamReader(request.Body);
        var offer = await reader.ReadToEndAsync();
        var observer = new EchoObserver();
        var endpoint = new WebRtcEndpoint(_options, _ports, _certificate, _loop, observer, NullLogger.Instance);
        observer.Endpoint = endpoint;
        var result = endpoint.AcceptOffer(offer);
        if (!result.Succeeded)
        {
            await endpoint.DisposeAsync();
            return Results.Text(result.FailureReason, statusCode: 488);
        }

        Legs.Enqueue((endpoint, observer));
        endpoint.Start();
        return Results.Text(RewriteAnswer?.Invoke(result.Sdp) ?? result.Sdp, "application/sdp");
    }
}
