using System.Globalization;
using System.Net.WebSockets;
using System.Text;
using PbxBridge.Sip.Auth;
using PbxBridge.Sip.Message;

namespace PbxBridge.Tests.Support;

/// <summary>One browser tab's SIP over a real WSS connection, written the way JsSIP writes it: just enough to register
/// and to place calls.</summary>
internal sealed class WssSipClient : IAsyncDisposable
{
    private static int s_seq;
    private readonly ClientWebSocket _socket;
    private readonly string _host = "t" + Next() + ".invalid";
    private uint _cseq;
    private HttpMessageInvoker? _invoker;

    private WssSipClient(ClientWebSocket socket, string agentId)
    {
        _socket = socket;
        AgentId = agentId;
    }

    public string AgentId { get; }

    public static ClientWebSocket NewSocket()
    {
        var ws = new ClientWebSocket();
        ws.Options.AddSubProtocol("sip");
        ws.Options.RemoteCertificateValidationCallback = (_, _, _, _) => true;
        ws.Options.CollectHttpResponseDetails = true;
        return ws;
    }

    public static async Task<WssSipClient> ConnectAsync(Uri sip, string agentId)
    {
        var ws = NewSocket();
        await ws.ConnectAsync(sip, CancellationToken.None);
        return new WssSipClient(ws, agentId);
    }

    /// <summary>As <see cref="ConnectAsync(Uri, string)"/>, from <paramref name="source"/> (any 127.x.y.z is this
    /// machine): an agent whose address differs from the front's.</summary>
    public static async Task<WssSipClient> ConnectFromAsync(Uri sip, string agentId, System.Net.IPAddress source)
    {
        var handler = new SocketsHttpHandler
        {
            SslOptions = { RemoteCertificateValidationCallback = (_, _, _, _) => true },
            ConnectCallback = async (context, cancellationToken) =>
            {
                var socket = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
                try
                {
                    socket.Bind(new System.Net.IPEndPoint(source, 0));
                    await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                    return new System.Net.Sockets.NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        var ws = new ClientWebSocket();
        ws.Options.AddSubProtocol("sip");
        // Kept with the client: the WebSocket's connection belongs to its handler.
        var invoker = new HttpMessageInvoker(handler);
        await ws.ConnectAsync(sip, invoker, CancellationToken.None);
        return new WssSipClient(ws, agentId) { _invoker = invoker };
    }

    /// <summary>REGISTER, 401, REGISTER with MD5 digest: the final response. <paramref name="digestUri"/> answers the
    /// challenge for another URI than the Request-URI; <paramref name="contacts"/> registers that many at once.</summary>
    public async Task<SipResponse> RegisterAsync(string password, string digestUri = "sip:pbxbridge", int contacts = 1)
    {
        var callId = "reg" + Next();
        var challenge = await RequestAsync(RegisterText(callId, null, contacts));
        Assert.Equal(401, challenge.StatusCode);
        Assert.True(DigestChallenge.TryParse(challenge.Headers.GetFieldValues(SipHeaderNames.WwwAuthenticate)[^1], out var c));
        var ha1 = SipDigestHa1.Compute(c!.Algorithm, AgentId, c.Realm, password);
        var authorization = DigestAuthenticator.Answer(c, AgentId, ha1, "REGISTER", digestUri, "cn" + Next(), 1).ToHeaderValue();
        return await RequestAsync(RegisterText(callId, authorization, contacts));
    }

    /// <summary>INVITE with <paramref name="sdp"/>; returns the first response other than 100 Trying.</summary>
    public async Task<SipResponse> InviteAsync(string destination, string sdp) => (await InviteDialogAsync(destination, sdp)).Response;

    /// <summary>As <see cref="InviteAsync"/>, with what it takes to send CANCEL, BYE or re-INVITE for the call later.</summary>
    public async Task<SipCallLeg> InviteDialogAsync(string destination, string sdp, bool waitForFinal = false)
    {
        var branch = "z9hG4bK" + Next();
        var callId = "call" + Next();
        var fromTag = "ft" + Next();
        var head = new StringBuilder()
            .Append("INVITE sip:").Append(destination).Append("@pbxbridge SIP/2.0\r\n")
            .Append("Via: SIP/2.0/WSS ").Append(_host).Append(";branch=").Append(branch).Append("\r\n")
            .Append("Max-Forwards: 69\r\n")
            .Append("To: <sip:").Append(destination).Append("@pbxbridge>\r\n")
            .Append("From: <sip:").Append(AgentId).Append("@pbxbridge>;tag=").Append(fromTag).Append("\r\n")
            .Append("Call-ID: ").Append(callId).Append("\r\n")
            .Append("CSeq: 1 INVITE\r\n")
            .Append("Contact: <sip:c@").Append(_host).Append(";transport=ws;ob>\r\n")
            .Append("Content-Type: application/sdp\r\n")
            .Append("Content-Length: ").Append(Encoding.UTF8.GetByteCount(sdp).ToString(CultureInfo.InvariantCulture)).Append("\r\n\r\n")
            .Append(sdp);
        var response = await RequestAsync(head.ToString());
        while (waitForFinal && response.StatusCode < 200)
        {
            if (await ReceiveAsync() is SipResponse next)
            {
                response = next;
            }
        }

        var leg = new SipCallLeg(AgentId, destination, _host, branch, callId, fromTag, response);
        if (response.IsSuccess)
        {
            await SendAsync(leg.Ack());
        }

        if (response.StatusCode >= 300)
        {
            // The ACK for a non-2xx final (RFC 3261 §17.1.1.3): same branch, the response's To.
            await SendAsync("ACK sip:" + destination + "@pbxbridge SIP/2.0\r\nVia: SIP/2.0/WSS " + _host + ";branch=" + branch + "\r\nMax-Forwards: 69\r\n" +
                "To: " + response.Headers.Get(SipHeaderNames.To) + "\r\nFrom: <sip:" + AgentId + "@pbxbridge>;tag=" + fromTag + "\r\nCall-ID: " + callId +
                "\r\nCSeq: 1 ACK\r\nContent-Length: 0\r\n\r\n");
        }

        return leg;
    }

    /// <summary>Sends <paramref name="count"/> OPTIONS back to back without waiting, then, after <paramref name="pause"/>,
    /// one more; returns every response up to and including the last one's (refused ones may go unanswered).</summary>
    public async Task<List<SipResponse>> OptionsBurstAsync(int count, TimeSpan pause)
    {
        for (var i = 0; i < count; i++)
        {
            await SendAsync(OptionsText("opt" + Next()));
        }

        await Task.Delay(pause);
        await SendAsync(OptionsText("last-of-burst"));
        var responses = new List<SipResponse>();
        while (responses.Count == 0 || responses[^1].CallId != "last-of-burst")
        {
            if (await ReceiveAsync() is SipResponse response)
            {
                responses.Add(response);
            }
        }

        return responses;
    }

    private string OptionsText(string callId) =>
        "OPTIONS sip:pbxbridge SIP/2.0\r\nVia: SIP/2.0/WSS " + _host + ";branch=z9hG4bK" + Next() + "\r\nMax-Forwards: 69\r\n" +
        "To: <sip:pbxbridge>\r\nFrom: <sip:" + AgentId + "@pbxbridge>;tag=o" + Next() + "\r\nCall-ID: " + callId +
        "\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n";

    public string RegisterText(string callId, string? authorization, int contacts = 1) =>
        "REGISTER sip:pbxbridge SIP/2.0\r\nVia: SIP/2.0/WSS " + _host + ";branch=z9hG4bK" + Next() + "\r\nMax-Forwards: 69\r\n" +
        "To: <sip:" + AgentId + "@pbxbridge>\r\nFrom: <sip:" + AgentId + "@pbxbridge>;tag=rt" + Next() + "\r\nCall-ID: " + callId + "\r\n" +
        "CSeq: " + (++_cseq).ToString(CultureInfo.InvariantCulture) + " REGISTER\r\n" +
        (authorization is null ? string.Empty : "Authorization: " + authorization + "\r\n") +
        string.Concat(Enumerable.Range(0, contacts).Select(i => "Contact: <sip:c" + (i == 0 ? string.Empty : i.ToString(CultureInfo.InvariantCulture)) + "@" + _host + ";transport=ws>;expires=600\r\n")) +
        "Expires: 600\r\nContent-Length: 0\r\n\r\n";

    /// <summary>Sends raw SIP text and returns the first response other than 100 Trying.</summary>
    public async Task<SipResponse> RequestAsync(string text)
    {
        await SendAsync(text);
        while (true)
        {
            if (await ReceiveAsync() is SipResponse { StatusCode: not 100 } response)
            {
                return response;
            }
        }
    }

    public Task SendAsync(string text) => _socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, CancellationToken.None);

    /// <summary>The raw text of the next request with <paramref name="method"/> the service sends (others are skipped).</summary>
    public async Task<string> ReceiveRequestTextAsync(string method)
    {
        while (true)
        {
            var text = await ReceiveTextAsync();
            if (text.StartsWith(method + " ", StringComparison.Ordinal))
            {
                return text;
            }
        }
    }

    private async Task<SipMessage?> ReceiveAsync() => SipParser.Parse(Encoding.UTF8.GetBytes(await ReceiveTextAsync())).Message;

    private async Task<string> ReceiveTextAsync()
    {
        var buffer = new byte[70_000];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        var count = 0;
        WebSocketReceiveResult result;
        do
        {
            result = await _socket.ReceiveAsync(new ArraySegment<byte>(buffer, count, buffer.Length - count), timeout.Token);
            Assert.NotEqual(WebSocketMessageType.Close, result.MessageType);
            count += result.Count;
        }
        while (!result.EndOfMessage);

        return Encoding.UTF8.GetString(buffer, 0, count);
    }

    private static string Next() => Interlocked.Increment(ref s_seq).ToString(CultureInfo.InvariantCulture) + Random.Shared.Next(1000, 9999).ToString(CultureInfo.InvariantCulture);

    public async ValueTask DisposeAsync()
    {
        if (_socket.State == WebSocketState.Open)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            try
            {
                await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, timeout.Token);
            }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException)
            {
                // The server may be gone already.
            }
        }

        _socket.Dispose();
        _invoker?.Dispose();
    }
}
