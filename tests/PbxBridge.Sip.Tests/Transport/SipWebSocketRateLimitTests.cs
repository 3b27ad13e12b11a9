using System.Globalization;
using System.Net.WebSockets;
using System.Text;
using PbxBridge.Sip.Message;
using PbxBridge.Sip.Tests.Support;
using PbxBridge.Sip.Transport;

namespace PbxBridge.Sip.Tests.Transport;

/// <summary>The message rate limit over a real WebSocket (Kestrel and a ClientWebSocket), on a clock the test moves:
/// 10 messages a second, a burst of 20, closed after 5 s of flooding.</summary>
public sealed class SipWebSocketRateLimitTests : IAsyncLifetime
{
    private readonly ManualTimeProvider _time = new();
    private readonly CapturingLogger<SipStack> _log = new();
    private SipStack? _stack;
    private KestrelSipHost? _host;

    private SipStack Stack => _stack!;

    public async Task InitializeAsync()
    {
        var options = new SipStackOptions
        {
            TimeProvider = _time,
            MessageRate = new SipMessageRateLimit(10, 20, TimeSpan.FromSeconds(5)),
        };
        _stack = new SipStack(options, new TestAgents(), new RecordingCallHandler(), _log);
        _host = await KestrelSipHost.StartAsync(_stack);
    }

    public async Task DisposeAsync()
    {
        await _host!.DisposeAsync();
        _stack!.Dispose();
    }

    private static string Options(int n) =>
        "OPTIONS sip:pbxbridge SIP/2.0\r\nVia: SIP/2.0/WSS abc.invalid;branch=z9hG4bKrate" + n.ToString(CultureInfo.InvariantCulture) + "\r\n" +
        "Max-Forwards: 69\r\nTo: <sip:pbxbridge>\r\nFrom: <sip:1001@pbxbridge>;tag=rt1\r\nCall-ID: rate" + n.ToString(CultureInfo.InvariantCulture) + "\r\n" +
        "CSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n";

    private static async Task<SipResponse> ReceiveResponseAsync(ClientWebSocket ws)
    {
        var text = await KestrelSipHost.ReceiveAsync(ws) ?? throw new InvalidOperationException("the connection closed");
        return Assert.IsType<SipResponse>(SipParser.Parse(Encoding.UTF8.GetBytes(text)).Message);
    }

    private long Handled => Stack.Counters.MessagesReceived + Stack.Counters.MessagesRateLimited;

    [Fact]
    public async Task Requests_over_the_rate_get_503_with_retry_after_and_the_connection_keeps_working()
    {
        using var ws = await _host!.ConnectAsync();

        for (var i = 0; i < 25; i++)
        {
            await KestrelSipHost.SendAsync(ws, Options(i));
        }

        var responses = new List<SipResponse>();
        for (var i = 0; i < 25; i++)
        {
            responses.Add(await ReceiveResponseAsync(ws));
        }

        Assert.All(responses.Take(20), r => Assert.Equal(200, r.StatusCode));
        Assert.All(responses.Skip(20), r =>
        {
            Assert.Equal(503, r.StatusCode);
            Assert.Equal(LimitReasonPhrases.TooManyMessages, r.ReasonPhrase);
            Assert.Equal("1", r.Headers.Get(SipHeaderNames.RetryAfter));
        });
        Assert.Equal(["rate20", "rate21", "rate22", "rate23", "rate24"], responses.Skip(20).Select(r => r.CallId));
        Assert.Equal(5, Stack.Counters.MessagesRateLimited);

        _time.Advance(TimeSpan.FromSeconds(1));
        await KestrelSipHost.SendAsync(ws, Options(99));

        Assert.Equal(200, (await ReceiveResponseAsync(ws)).StatusCode);
        Assert.Single(_log.Containing("is over 10 messages/s"));
    }

    [Fact]
    public async Task Responses_and_acks_over_the_rate_are_dropped_unanswered()
    {
        using var ws = await _host!.ConnectAsync();
        for (var i = 0; i < 20; i++)
        {
            await KestrelSipHost.SendAsync(ws, Options(i));
            await ReceiveResponseAsync(ws);
        }

        await KestrelSipHost.SendAsync(ws, "SIP/2.0 200 OK\r\nVia: SIP/2.0/WSS pbxbridge.invalid;branch=z9hG4bKours1\r\nTo: <sip:1001@pbxbridge>;tag=a\r\n" +
            "From: <sip:pbxbridge@pbxbridge>;tag=b\r\nCall-ID: stray1\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n");
        await KestrelSipHost.SendAsync(ws, "ACK sip:pbxbridge SIP/2.0\r\nVia: SIP/2.0/WSS abc.invalid;branch=z9hG4bKack1\r\nMax-Forwards: 69\r\n" +
            "To: <sip:pbxbridge>;tag=x\r\nFrom: <sip:1001@pbxbridge>;tag=y\r\nCall-ID: ack1\r\nCSeq: 1 ACK\r\nContent-Length: 0\r\n\r\n");
        await KestrelSipHost.SendAsync(ws, Options(50));

        // The next frame is the 503 for the OPTIONS: nothing was sent for the response or the ACK.
        var refused = await ReceiveResponseAsync(ws);
        Assert.Equal(503, refused.StatusCode);
        Assert.Equal("rate50", refused.CallId);
        Assert.Equal(3, Stack.Counters.MessagesRateLimited);
    }

    [Fact]
    public async Task Crlf_keepalives_do_not_count_against_the_rate()
    {
        using var ws = await _host!.ConnectAsync();

        for (var i = 0; i < 100; i++)
        {
            await KestrelSipHost.SendAsync(ws, "\r\n\r\n");
        }

        for (var i = 0; i < 20; i++)
        {
            await KestrelSipHost.SendAsync(ws, Options(i));
        }

        // One pong (pings closer than a second apart are not answered), then all 20 requests answered 200.
        Assert.Equal("\r\n", await KestrelSipHost.ReceiveAsync(ws));
        for (var i = 0; i < 20; i++)
        {
            Assert.Equal(200, (await ReceiveResponseAsync(ws)).StatusCode);
        }

        Assert.Equal(0, Stack.Counters.MessagesRateLimited);
        Assert.Equal(1, Stack.Counters.KeepAlives);
    }

    [Fact]
    public async Task A_connection_that_keeps_flooding_past_the_grace_is_closed_with_1008()
    {
        using var ws = await _host!.ConnectAsync();
        var sent = 0;
        for (var step = 0; step < 10 && Stack.Counters.ConnectionsClosedForFlooding == 0; step++)
        {
            // 30 messages every 0.9 s: three times the rate, with no second of quiet in between.
            for (var i = 0; i < 30; i++)
            {
                await KestrelSipHost.SendAsync(ws, Options(sent++));
            }

            await KestrelSipHost.WaitUntilAsync(() => Handled >= sent || Stack.Counters.ConnectionsClosedForFlooding == 1);
            _time.Advance(TimeSpan.FromMilliseconds(900));
        }

        while (await KestrelSipHost.ReceiveAsync(ws) is not null)
        {
            // The answers sent before the close.
        }

        Assert.Equal(WebSocketCloseStatus.PolicyViolation, ws.CloseStatus);
        Assert.Equal(1, Stack.Counters.ConnectionsClosedForFlooding);
        await KestrelSipHost.WaitUntilAsync(() => Stack.Counters.Connections == 0);

        // 5 s of flooding at 0.9 s a step is the seventh step (t = 5.4 s), not before.
        Assert.InRange(sent, 6 * 30 + 1, 7 * 30);
        Assert.Single(_log.Containing("closed with 1008"));
        Assert.Single(_log.Containing("is over 10 messages/s"));
    }
}
