using System.Net;
using Microsoft.Extensions.Logging;
using PbxBridge.Net;
using PbxBridge.WebRtc.Dtls;
using PbxBridge.WebRtc.Transport;

namespace PbxBridge.WebRtc.Tests.Transport;

/// <summary>The browser leg's log lines as an admin reads them: addresses as IP:port, a normal hangup without warnings.</summary>
public sealed class WebRtcEndpointLogTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);
    private static readonly DtlsCertificate ServerCertificate = DtlsCertificate.Generate();
    private static int _nextPortBlock;

    [Fact]
    public async Task The_nominated_address_is_logged_as_ip_and_port()
    {
        var log = new CapturingLogger();
        var observer = new RecordingObserver();
        await using var endpoint = NewEndpoint(observer, log);
        await using var browser = new TestBrowserPeer();

        await ConnectAsync(endpoint, browser, observer);
        await WaitUntilAsync(() => log.Lines.Any(l => l.Message.StartsWith("ICE: browser nominated", StringComparison.Ordinal)));

        Assert.Contains((LogLevel.Information, $"ICE: browser nominated {browser.LocalEndPoint}"), log.Lines);
        Assert.DoesNotContain(log.Lines, l => l.Message.Contains("InterNetwork", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Before_the_browser_nominates_the_remote_address_is_the_one_DTLS_completed_with()
    {
        var observer = new RecordingObserver();
        await using var endpoint = NewEndpoint(observer, new CapturingLogger());
        await using var browser = new TestBrowserPeer { NominateInChecks = false };

        await ConnectAsync(endpoint, browser, observer);

        // As Chromium does: DTLS completes on the first successful pair, nomination comes later.
        Assert.Null(endpoint.SelectedRemote);
        Assert.Equal(browser.LocalEndPoint, endpoint.RemoteEndPoint);
    }

    [Fact]
    public async Task Close_notify_from_the_browser_at_hangup_is_information_not_a_warning()
    {
        var log = new CapturingLogger();
        var observer = new RecordingObserver();
        await using var endpoint = NewEndpoint(observer, log);
        var browser = new TestBrowserPeer();
        await ConnectAsync(endpoint, browser, observer);

        await browser.DisposeAsync();

        Assert.Equal(WebRtcCloseReasons.ClosedByBrowser, await observer.Closed.Task.WaitAsync(Patience));
        Assert.Contains((LogLevel.Information, "WebRTC leg closed by the browser: DTLS close_notify received"), log.Lines);
        Assert.DoesNotContain(log.Lines, l => l.Level >= LogLevel.Warning);
    }

    private static WebRtcEndpoint NewEndpoint(RecordingObserver observer, ILogger log)
    {
        // Ports away from WebRtcEndpointTests' blocks (47000 + 20 n), so both classes can run in parallel.
        var first = 45000 + (Interlocked.Increment(ref _nextPortBlock) * 20);
        var pool = new UdpPortPool(IPAddress.Loopback, first, first + 19);
        return new WebRtcEndpoint(WebRtcOptions.Default(IPAddress.Loopback), pool, ServerCertificate, TestMediaLoop.Shared, observer, log);
    }

    private static async Task ConnectAsync(WebRtcEndpoint endpoint, TestBrowserPeer browser, RecordingObserver observer)
    {
        var answer = endpoint.AcceptOffer(browser.CreateOffer());
        Assert.True(answer.Succeeded, answer.FailureReason);
        endpoint.Start();
        browser.Start(answer.Sdp, weAreDtlsServer: false);
        await observer.Connected.Task.WaitAsync(Patience);
        await browser.DtlsConnected.Task.WaitAsync(Patience);
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var i = 0; i < 500 && !condition(); i++)
        {
            await Task.Delay(20);
        }
    }
}
