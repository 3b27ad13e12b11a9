using System.Net;
using System.Net.WebSockets;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using PbxBridge.Sip.Message;
using PbxBridge.Sip.Tests.Support;

namespace PbxBridge.Sip.Tests.Transport;

/// <summary>The transport over a real socket: Kestrel on 127.0.0.1 accepts the WebSocket with sub-protocol "sip"
/// and hands it to the stack, a ClientWebSocket plays the browser.</summary>
public sealed class SipWebSocketConnectionTests : IAsyncLifetime
{
    private readonly SipStack _stack = new(new SipStackOptions(), new TestAgents(), new RecordingCallHandler(), NullLogger<SipStack>.Instance);
    private KestrelSipHost? _host;

    public async Task InitializeAsync() => _host = await KestrelSipHost.StartAsync(_stack);

    public async Task DisposeAsync()
    {
        await _host!.DisposeAsync();
        _stack.Dispose();
    }

    private Task<ClientWebSocket> ConnectAsync() => _host!.ConnectAsync();

    private static Task SendAsync(ClientWebSocket ws, string text, WebSocketMessageType type = WebSocketMessageType.Text) =>
        KestrelSipHost.SendAsync(ws, text, type);

    private static async Task<string> ReceiveAsync(ClientWebSocket ws) =>
        await KestrelSipHost.ReceiveAsync(ws) ?? throw new InvalidOperationException("the connection closed");

    private static Task WaitUntilAsync(Func<bool> condition) => KestrelSipHost.WaitUntilAsync(condition);

    private const string Options =
        "OPTIONS sip:pbxbridge SIP/2.0\r\nVia: SIP/2.0/WSS abc.invalid;branch=z9hG4bK1234ws\r\nMax-Forwards: 69\r\n" +
        "To: <sip:pbxbridge>\r\nFrom: <sip:1001@pbxbridge>;tag=ws1\r\nCall-ID: wsopt1\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n";

    [Fact]
    public async Task Crlf_keepalive_ping_is_answered_with_a_crlf_pong()
    {
        using var ws = await ConnectAsync();

        await SendAsync(ws, "\r\n\r\n");

        Assert.Equal("\r\n", await ReceiveAsync(ws));
        Assert.Equal(1, _stack.Counters.KeepAlives);
    }

    [Theory]
    [InlineData(WebSocketMessageType.Text)]
    [InlineData(WebSocketMessageType.Binary)]
    public async Task One_sip_message_per_frame_is_answered_with_the_via_echoed(WebSocketMessageType type)
    {
        using var ws = await ConnectAsync();

        await SendAsync(ws, Options, type);

        var response = Assert.IsType<SipResponse>(SipParser.Parse(Encoding.UTF8.GetBytes(await ReceiveAsync(ws))).Message);
        Assert.Equal(200, response.StatusCode);
        Assert.Equal(["SIP/2.0/WSS abc.invalid;branch=z9hG4bK1234ws"], response.Headers.GetFieldValues(SipHeaderNames.Via));
    }

    [Fact]
    public async Task Garbage_does_not_break_the_connection()
    {
        using var ws = await ConnectAsync();

        await SendAsync(ws, "GARBAGE\u0000\u0001 sip:// SIP/9\r\n\r\n");
        await SendAsync(ws, Options.Replace("CSeq: 1 OPTIONS", "CSeq: 1 INVITE", StringComparison.Ordinal));
        var bad = await ReceiveAsync(ws);
        await SendAsync(ws, Options);
        var good = await ReceiveAsync(ws);

        Assert.StartsWith("SIP/2.0 400 CSeq method does not match", bad, StringComparison.Ordinal);
        Assert.StartsWith("SIP/2.0 200 OK", good, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_message_larger_than_the_first_receive_buffer_arrives_whole()
    {
        using var ws = await ConnectAsync();
        var body = new string('x', 40_000);
        var large = Options.Replace("Content-Length: 0\r\n\r\n", $"Content-Type: text/plain\r\nContent-Length: {body.Length}\r\n\r\n{body}", StringComparison.Ordinal);

        await SendAsync(ws, large);
        await SendAsync(ws, Options);

        Assert.StartsWith("SIP/2.0 200 OK", await ReceiveAsync(ws), StringComparison.Ordinal);
        Assert.StartsWith("SIP/2.0 200 OK", await ReceiveAsync(ws), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Oversized_frame_closes_the_connection_with_1009()
    {
        using var ws = await ConnectAsync();

        await SendAsync(ws, Options + new string('x', 70_000));
        var buffer = new byte[1024];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var result = await ws.ReceiveAsync(buffer, timeout.Token);

        Assert.Equal(WebSocketMessageType.Close, result.MessageType);
        Assert.Equal(WebSocketCloseStatus.MessageTooBig, result.CloseStatus);
    }

    [Fact]
    public async Task Closing_the_socket_ends_the_registration_and_the_connection_count()
    {
        var ws = await ConnectAsync();
        await WaitUntilAsync(() => _stack.Counters.Connections == 1);
        var register = "REGISTER sip:pbxbridge SIP/2.0\r\nVia: SIP/2.0/WSS abc.invalid;branch=z9hG4bKreg1\r\nMax-Forwards: 69\r\n" +
            "To: <sip:1001@pbxbridge>\r\nFrom: <sip:1001@pbxbridge>;tag=r1\r\nCall-ID: wsreg1\r\nCSeq: 1 REGISTER\r\n" +
            "Contact: <sip:x1@abc.invalid;transport=ws>;expires=600\r\nContent-Length: 0\r\n\r\n";
        await SendAsync(ws, register);
        var challenge = Assert.IsType<SipResponse>(SipParser.Parse(Encoding.UTF8.GetBytes(await ReceiveAsync(ws))).Message);
        var md5Challenge = challenge.Headers.GetFieldValues(SipHeaderNames.WwwAuthenticate).Single(v => v.Contains("algorithm=MD5", StringComparison.Ordinal));
        Assert.True(PbxBridge.Sip.Auth.DigestChallenge.TryParse(md5Challenge, out var c));
        var ha1 = PbxBridge.Sip.Auth.SipDigestHa1.ComputeMd5("1001", "pbxbridge", TestAgents.PasswordOf("1001"));
        var auth = PbxBridge.Sip.Auth.DigestAuthenticator.Answer(c!, "1001", ha1, "REGISTER", "sip:pbxbridge", "abc", 1).ToHeaderValue();
        await SendAsync(ws, register.Replace("CSeq: 1", "CSeq: 2", StringComparison.Ordinal).Replace("branch=z9hG4bKreg1", "branch=z9hG4bKreg2", StringComparison.Ordinal)
            .Replace("Content-Length", "Authorization: " + auth + "\r\nContent-Length", StringComparison.Ordinal));
        Assert.StartsWith("SIP/2.0 200 OK", await ReceiveAsync(ws), StringComparison.Ordinal);
        Assert.Single(_stack.Registrations);

        ws.Abort();
        ws.Dispose();

        await WaitUntilAsync(() => _stack.Counters.Connections == 0);
        Assert.Empty(_stack.Registrations);
    }
}
