using System.Globalization;
using System.Net.WebSockets;
using System.Text;
using System.Threading.Channels;
using PbxBridge.Sip.Message;

namespace PbxBridge.Browser.Simulator.Sip;

/// <summary>
/// One browser-like SIP user agent over WebSocket (RFC 7118, sub-protocol "sip"): REGISTER with digest, one INVITE
/// dialog (407 challenge, 200, ACK), BYE. Requests PbxBridge sends us (OPTIONS, BYE) are answered 200 so the server
/// side sees a well-behaved phone. One transaction at a time, as a softphone places one call.
/// </summary>
internal sealed class SipWebSocketUserAgent : IAsyncDisposable
{
    private static readonly TimeSpan TransactionTimeout = TimeSpan.FromSeconds(15);

    private readonly ClientWebSocket _socket = new();
    private readonly Channel<SipResponse> _responses = Channel.CreateUnbounded<SipResponse>();
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly CancellationTokenSource _stop = new();
    private readonly string _user;
    private readonly string _password;
    private readonly string _domain;
    private readonly string _viaHost = $"{RandomToken()}.invalid";
    private Task? _receiveLoop;
    private int _cseq;
    private int _unusableMessages;
    private string? _callId;
    private string? _localTag;
    private string? _remoteTarget;
    private string? _remoteToHeader;
    private string? _inviteUri;

    public SipWebSocketUserAgent(string user, string password, string domain)
    {
        _user = user;
        _password = password;
        _domain = domain;
    }

    /// <summary>Set when PbxBridge ends the dialog with its own BYE.</summary>
    public bool ByeReceived { get; private set; }

    /// <summary>SIP messages from PbxBridge that could not be parsed or answered.</summary>
    public int UnusableMessages => Volatile.Read(ref _unusableMessages);

    public async Task ConnectAsync(Uri wss, CancellationToken cancellationToken)
    {
        _socket.Options.AddSubProtocol("sip");
        _socket.Options.RemoteCertificateValidationCallback = (_, _, _, _) => true;
        await _socket.ConnectAsync(wss, cancellationToken);
        _receiveLoop = Task.Run(ReceiveLoopAsync, CancellationToken.None);
    }

    public async Task RegisterAsync(CancellationToken cancellationToken)
    {
        var callId = RandomToken();
        var tag = RandomToken();
        var uri = $"sip:{_domain}";
        string? authorization = null;
        for (var attempt = 0; attempt < 2; attempt++)
        {
            var request = new StringBuilder();
            request.Append(CultureInfo.InvariantCulture, $"REGISTER {uri} SIP/2.0\r\n");
            AppendCommon(request, RandomBranch(), $"<sip:{_user}@{_domain}>", $"<sip:{_user}@{_domain}>;tag={tag}", callId, ++_cseq, "REGISTER");
            request.Append(CultureInfo.InvariantCulture, $"Contact: <sip:{_user}@{_viaHost};transport=ws>;expires=600\r\nExpires: 600\r\n");
            if (authorization is not null)
            {
                request.Append(CultureInfo.InvariantCulture, $"Authorization: {authorization}\r\n");
            }

            request.Append("Content-Length: 0\r\n\r\n");
            await SendAsync(request.ToString(), cancellationToken);
            var response = await FinalResponseAsync(callId, cancellationToken);
            if (response.IsSuccess)
            {
                return;
            }

            if (response.StatusCode != 401 || authorization is not null ||
                DigestAuthorization.FindMd5Challenge(response.Headers.GetFieldValues("WWW-Authenticate")) is not { } challenge)
            {
                throw new SipFailureException($"REGISTER {_user} answered {response.StatusCode} {response.ReasonPhrase}");
            }

            authorization = DigestAuthorization.Answer(challenge, _user, _password, "REGISTER", uri);
        }

        throw new SipFailureException($"REGISTER {_user} was challenged twice");
    }

    /// <summary>Places the call; returns the SDP answer once the 200 OK arrives and the ACK is sent.</summary>
    public async Task<string> InviteAsync(string extension, string sdpOffer, CancellationToken cancellationToken)
    {
        _callId = RandomToken();
        _localTag = RandomToken();
        _inviteUri = $"sip:{extension}@{_domain}";
        var to = $"<{_inviteUri}>";
        string? authorization = null;
        for (var attempt = 0; attempt < 2; attempt++)
        {
            var branch = RandomBranch();
            var cseq = ++_cseq;
            var request = new StringBuilder();
            request.Append(CultureInfo.InvariantCulture, $"INVITE {_inviteUri} SIP/2.0\r\n");
            AppendCommon(request, branch, to, From, _callId, cseq, "INVITE");
            request.Append(CultureInfo.InvariantCulture, $"Contact: <sip:{_user}@{_viaHost};transport=ws>\r\n");
            if (authorization is not null)
            {
                request.Append(CultureInfo.InvariantCulture, $"Proxy-Authorization: {authorization}\r\n");
            }

            var body = Encoding.UTF8.GetByteCount(sdpOffer);
            request.Append(CultureInfo.InvariantCulture, $"Content-Type: application/sdp\r\nContent-Length: {body}\r\n\r\n{sdpOffer}");
            await SendAsync(request.ToString(), cancellationToken);
            var response = await FinalResponseAsync(_callId, cancellationToken);
            var toHeader = response.Headers.Get("To") ?? to;
            if (response.IsSuccess)
            {
                _remoteToHeader = toHeader;
                _remoteTarget = response.Contacts is { Count: > 0 } contacts ? contacts[0].UriText : _inviteUri;
                await SendAckAsync(_remoteTarget, _remoteToHeader, RandomBranch(), cseq, cancellationToken);
                return response.BodyText;
            }

            // RFC 3261 §17.1.1.3: a non-2xx final response is acknowledged in the same transaction (same branch).
            await SendAckAsync(_inviteUri, toHeader, branch, cseq, cancellationToken);
            if (response.StatusCode != 407 || authorization is not null ||
                DigestAuthorization.FindMd5Challenge(response.Headers.GetFieldValues("Proxy-Authenticate")) is not { } challenge)
            {
                throw new SipFailureException($"INVITE {extension} answered {response.StatusCode} {response.ReasonPhrase}") { StatusCode = response.StatusCode };
            }

            authorization = DigestAuthorization.Answer(challenge, _user, _password, "INVITE", _inviteUri);
        }

        throw new SipFailureException($"INVITE {extension} was challenged twice");
    }

    public async Task ByeAsync(CancellationToken cancellationToken)
    {
        if (_callId is null || _remoteTarget is null || ByeReceived)
        {
            return;
        }

        var request = new StringBuilder();
        request.Append(CultureInfo.InvariantCulture, $"BYE {_remoteTarget} SIP/2.0\r\n");
        AppendCommon(request, RandomBranch(), _remoteToHeader!, From, _callId, ++_cseq, "BYE");
        request.Append("Content-Length: 0\r\n\r\n");
        await SendAsync(request.ToString(), cancellationToken);
        var response = await FinalResponseAsync(_callId, cancellationToken);
        if (!response.IsSuccess)
        {
            throw new SipFailureException($"BYE answered {response.StatusCode} {response.ReasonPhrase}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            if (_socket.State == WebSocketState.Open)
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", timeout.Token);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
        {
            // The server went first; nothing left to close.
        }

        if (_receiveLoop is not null)
        {
            await _receiveLoop;
        }

        _socket.Dispose();
        _stop.Dispose();
        _sendLock.Dispose();
    }

    private string From => $"<sip:{_user}@{_domain}>;tag={_localTag}";

    private void AppendCommon(StringBuilder request, string branch, string to, string from, string callId, int cseq, string method) =>
        request.Append(CultureInfo.InvariantCulture,
            $"Via: SIP/2.0/WSS {_viaHost};branch={branch}\r\nMax-Forwards: 70\r\nTo: {to}\r\nFrom: {from}\r\nCall-ID: {callId}\r\nCSeq: {cseq} {method}\r\nUser-Agent: pbxbridge-loadgen\r\n");

    private Task SendAckAsync(string uri, string to, string branch, int cseq, CancellationToken cancellationToken)
    {
        var request = new StringBuilder();
        request.Append(CultureInfo.InvariantCulture, $"ACK {uri} SIP/2.0\r\n");
        AppendCommon(request, branch, to, From, _callId!, cseq, "ACK");
        request.Append("Content-Length: 0\r\n\r\n");
        return SendAsync(request.ToString(), cancellationToken);
    }

    private async Task<SipResponse> FinalResponseAsync(string callId, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TransactionTimeout);
        try
        {
            while (true)
            {
                var response = await _responses.Reader.ReadAsync(timeout.Token);
                if (response.CallId == callId && !response.IsProvisional)
                {
                    return response;
                }
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new SipFailureException($"no final response within {TransactionTimeout.TotalSeconds} s");
        }
        catch (ChannelClosedException)
        {
            throw new SipFailureException("the WebSocket closed before a final response");
        }
    }

    private async Task SendAsync(string message, CancellationToken cancellationToken)
    {
        var bytes = Encoding.UTF8.GetBytes(message);
        await _sendLock.WaitAsync(cancellationToken);
        try
        {
            await _socket.SendAsync(bytes, WebSocketMessageType.Text, endOfMessage: true, cancellationToken);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    private async Task ReceiveLoopAsync()
    {
        var buffer = new byte[64 * 1024];
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var length = 0;
                ValueWebSocketReceiveResult result;
                do
                {
                    result = await _socket.ReceiveAsync(buffer.AsMemory(length), _stop.Token);
                    length += result.Count;
                }
                while (!result.EndOfMessage && length < buffer.Length);

                if (result.MessageType == WebSocketMessageType.Close)
                {
                    break;
                }

                await DispatchAsync(buffer.AsMemory(0, length));
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
        {
            // Closed by either side: pending transactions see the completed channel.
        }
        finally
        {
            _responses.Writer.TryComplete();
        }
    }

    /// <summary>One received SIP message; a malformed one is skipped (PbxBridge's bug to report, not a leg crash).</summary>
    private async Task DispatchAsync(ReadOnlyMemory<byte> data)
    {
        try
        {
            var parsed = SipParser.Parse(data.Span);
            switch (parsed.Message)
            {
                case SipResponse response:
                    _responses.Writer.TryWrite(response);
                    break;
                case SipRequest request when request.Method != "ACK":
                    if (request.Method == "BYE")
                    {
                        ByeReceived = true;
                    }

                    var ok = SipResponse.For(request, 200, "OK");
                    await _sendLock.WaitAsync(_stop.Token);
                    try
                    {
                        await _socket.SendAsync(ok.ToBytes(), WebSocketMessageType.Text, true, _stop.Token);
                    }
                    finally
                    {
                        _sendLock.Release();
                    }

                    break;
            }
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException or InvalidOperationException)
        {
            Interlocked.Increment(ref _unusableMessages);
        }
    }

    private static string RandomBranch() => "z9hG4bK" + RandomToken();

    private static string RandomToken() => Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(8));
}
