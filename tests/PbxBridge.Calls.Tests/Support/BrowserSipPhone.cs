using System.Globalization;
using System.Text;
using PbxBridge.Sip.Auth;
using PbxBridge.Sip.Message;
using PbxBridge.Sip.Transport;

namespace PbxBridge.Calls.Tests.Support;

/// <summary>
/// Agent 1001's browser as JsSIP speaks over its WebSocket, on an in-memory flow: register, place or answer a call,
/// and re-INVITE within it (hold, resume) with Chromium's SDP.
/// </summary>
internal sealed class BrowserSipPhone(ISipMessageSink stack, MemorySipFlow flow)
{
    private const string Host = "df7jal23ls0d.invalid";
    private int _cseq;
    private int _next;

    // The dialog once established: our tag, theirs, the Call-ID and where in-dialog requests go.
    private string _callId = "";
    private string _localUri = "";
    private string _localTag = "";
    private string _remoteUri = "";
    private string _remoteTag = "";
    private string _target = "";
    private string _invite = "";
    private uint _answeredReoffer;

    /// <summary>Chromium's offer from a recorded call, with CRLF line ends.</summary>
    public static string ChromiumOffer { get; } =
        File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Sdp", "chromium156-offer.sdp")).ReplaceLineEndings("\r\n");

    public MemorySipFlow Flow => flow;

    /// <summary>The Call-ID of the call dialled or answered last.</summary>
    public string CallId => _callId;

    /// <summary>PbxBridge's SDP for the call once it answered (its ICE credentials and candidate).</summary>
    public string AnswerSdp { get; private set; } = "";

    public async Task RegisterAsync()
    {
        var callId = "reg-" + Next();
        var challenge = await RequestAsync(RegisterText(callId, null), "REGISTER");
        Assert.Equal(401, challenge.StatusCode);
        Assert.True(DigestChallenge.TryParse(challenge.Headers.GetFieldValues(SipHeaderNames.WwwAuthenticate)[^1], out var c));
        var ha1 = SipDigestHa1.Compute(c!.Algorithm, TestAgentDirectory.AgentId, c.Realm, TestAgentDirectory.Password);
        var authorization = DigestAuthenticator.Answer(c, TestAgentDirectory.AgentId, ha1, "REGISTER", "sip:pbxbridge", "cn" + Next(), 1).ToHeaderValue();
        var registered = await RequestAsync(RegisterText(callId, authorization), "REGISTER");
        Assert.Equal(200, registered.StatusCode);
    }

    /// <summary>INVITE to <paramref name="destination"/>; returns once PbxBridge sent its first response.</summary>
    public async Task DialAsync(string destination)
    {
        _callId = "call-" + Next();
        _localUri = $"sip:{TestAgentDirectory.AgentId}@pbxbridge";
        _localTag = "ft" + Next();
        _remoteUri = $"sip:{destination}@pbxbridge";
        var text = _invite = Request("INVITE", _remoteUri, ++_cseq, $"<{_remoteUri}>", ChromiumOffer);
        var trying = await RequestAsync(text, "INVITE", provisionalToo: true);
        Assert.True(trying.StatusCode < 300, $"the INVITE was refused: {trying.StatusCode}");
    }

    /// <summary>The final failure to the INVITE we dialled last (its ACK is the stack's business, not ours here).</summary>
    public Task<SipResponse> WaitRejectedAsync()
    {
        var callId = _callId;
        return flow.WaitForAsync<SipResponse>(r => r.CallId == callId && r.CSeq?.Method == "INVITE" && r.StatusCode >= 300);
    }

    /// <summary>CANCEL of the INVITE we dialled last (RFC 3261 §9.1: its Via, From, To, Call-ID and CSeq number).</summary>
    public async Task<SipResponse> CancelAsync()
    {
        var lines = _invite.Split("\r\n");
        string Line(string name) => lines.First(l => l.StartsWith(name + ":", StringComparison.Ordinal));
        var cseq = Line("CSeq")[5..].Trim().Split(' ')[0];
        var cancel = $"CANCEL {_remoteUri} SIP/2.0\r\n{Line("Via")}\r\nMax-Forwards: 69\r\n{Line("To")}\r\n{Line("From")}\r\n{Line("Call-ID")}\r\n"
            + $"CSeq: {cseq} CANCEL\r\nContent-Length: 0\r\n\r\n";
        return await RequestAsync(cancel, "CANCEL");
    }

    /// <summary>Waits for the 200 to our INVITE and ACKs it: the dialog is confirmed.</summary>
    public async Task WaitAnsweredAsync()
    {
        var ok = await flow.WaitForAsync<SipResponse>(r => r.StatusCode == 200 && r.CSeq?.Method == "INVITE" && r.CallId == _callId);
        _remoteTag = ok.To!.Tag!;
        _target = ok.Contacts[0].UriText;
        AnswerSdp = ok.BodyText;
        await SendAsync(Request("ACK", _target, _cseq, null, null, ackMethod: true));
    }

    /// <summary>Answers PbxBridge's INVITE with Chromium's SDP (as answerer: a=setup:active) and waits for its ACK.</summary>
    public async Task AnswerIncomingAsync()
    {
        var invite = await flow.WaitForAsync<SipRequest>(r => r.Method == "INVITE");
        _callId = invite.CallId!;
        _localUri = invite.To!.UriText;
        _localTag = "tt" + Next();
        _remoteUri = invite.From!.UriText;
        _remoteTag = invite.From.Tag!;
        _target = invite.Contacts[0].UriText;
        var answer = ChromiumOffer.Replace("a=setup:actpass", "a=setup:active", StringComparison.Ordinal);
        var head = new StringBuilder();
        foreach (var via in invite.Headers.GetFieldValues(SipHeaderNames.Via))
        {
            head.Append("Via: ").Append(via).Append("\r\n");
        }

        head.Append("From: ").Append(invite.Headers.Get(SipHeaderNames.From)).Append("\r\n")
            .Append("To: ").Append(invite.Headers.Get(SipHeaderNames.To)).Append(";tag=").Append(_localTag).Append("\r\n")
            .Append("Call-ID: ").Append(_callId).Append("\r\n")
            .Append("CSeq: ").Append(invite.Headers.Get(SipHeaderNames.CSeq)).Append("\r\n")
            .Append("Contact: <sip:c@").Append(Host).Append(";transport=ws>\r\n");
        await SendAsync("SIP/2.0 200 OK\r\n" + head + Body(answer));
        await flow.WaitForAsync<SipRequest>(r => r.Method == "ACK" && r.CallId == _callId);
    }

    /// <summary>An in-dialog re-INVITE with Chromium's SDP in <paramref name="direction"/>; returns PbxBridge's answer SDP.</summary>
    public Task<string> ReinviteAsync(string direction) =>
        ReinviteWithAsync(ChromiumOffer.Replace("a=sendrecv", "a=" + direction, StringComparison.Ordinal));

    /// <summary>An in-dialog re-INVITE offering <paramref name="offer"/>; returns PbxBridge's answer SDP.</summary>
    public async Task<string> ReinviteWithAsync(string offer)
    {
        var cseq = ++_cseq;
        await SendAsync(Request("INVITE", _target, cseq, null, offer));
        var ok = await flow.WaitForAsync<SipResponse>(r => r.CallId == _callId && r.CSeq is { Method: "INVITE" } c && c.Number == cseq && r.StatusCode >= 200);
        Assert.Equal(200, ok.StatusCode);
        await SendAsync(Request("ACK", _target, cseq, null, null, ackMethod: true));
        return ok.BodyText;
    }

    /// <summary>
    /// Answers PbxBridge's next re-INVITE in the dialog (the PBX's hold or resume) with Chromium's SDP in
    /// <paramref name="direction"/> as the DTLS client it already is, and waits for its ACK; returns PbxBridge's offer.
    /// </summary>
    public async Task<string> AnswerReofferAsync(string direction)
    {
        var callId = _callId;
        var after = _answeredReoffer;
        var invite = await flow.WaitForAsync<SipRequest>(r => r.Method == "INVITE" && r.CallId == callId && r.To?.Tag is not null && r.CSeq is { } c && c.Number > after);
        var cseq = _answeredReoffer = invite.CSeq!.Value.Number;
        var answer = ChromiumOffer.Replace("a=setup:actpass", "a=setup:active", StringComparison.Ordinal)
            .Replace("a=sendrecv", "a=" + direction, StringComparison.Ordinal);
        var ok = Response(invite, 200, "OK").Replace("Content-Length: 0\r\n\r\n", string.Empty, StringComparison.Ordinal)
            + "Contact: <sip:c@" + Host + ";transport=ws>\r\n" + Body(answer);
        await SendAsync(ok);
        await flow.WaitForAsync<SipRequest>(r => r.Method == "ACK" && r.CallId == callId && r.CSeq is { } c && c.Number == cseq);
        return invite.BodyText;
    }

    /// <summary>REFER in the dialog (RFC 3515) with the given Refer-To values; returns PbxBridge's final answer.</summary>
    public async Task<SipResponse> ReferAsync(params string[] referTo)
    {
        var cseq = ++_cseq;
        var text = Request("REFER", _target, cseq, null, null);
        var headers = string.Concat(referTo.Select(r => "Refer-To: " + r + "\r\n"));
        text = text.Replace("Content-Length: 0\r\n", headers + "Referred-By: <" + _localUri + ">\r\nContent-Length: 0\r\n", StringComparison.Ordinal);
        await SendAsync(text);
        return await flow.WaitForAsync<SipResponse>(r => r.CallId == _callId && r.CSeq is { Method: "REFER" } c && c.Number == cseq && r.StatusCode >= 200);
    }

    /// <summary>The next NOTIFY in the dialog whose sipfrag is <paramref name="status"/>, answered 200 as JsSIP does.</summary>
    public async Task<SipRequest> WaitNotifyAsync(int status)
    {
        var notify = await flow.WaitForAsync<SipRequest>(r => r.Method == "NOTIFY" && r.CallId == _callId
            && r.BodyText.StartsWith("SIP/2.0 " + status.ToString(CultureInfo.InvariantCulture) + " ", StringComparison.Ordinal));
        await SendAsync(Response(notify, 200, "OK"));
        return notify;
    }

    /// <summary>Waits for PbxBridge's BYE in the dialog and answers it.</summary>
    public async Task WaitByeAsync()
    {
        var bye = await flow.WaitForAsync<SipRequest>(r => r.Method == "BYE" && r.CallId == _callId);
        await SendAsync(Response(bye, 200, "OK"));
    }

    private static string Response(SipRequest request, int status, string phrase)
    {
        var head = new StringBuilder("SIP/2.0 ").Append(status.ToString(CultureInfo.InvariantCulture)).Append(' ').Append(phrase).Append("\r\n");
        foreach (var via in request.Headers.GetFieldValues(SipHeaderNames.Via))
        {
            head.Append("Via: ").Append(via).Append("\r\n");
        }

        head.Append("From: ").Append(request.Headers.Get(SipHeaderNames.From)).Append("\r\n")
            .Append("To: ").Append(request.Headers.Get(SipHeaderNames.To)).Append("\r\n")
            .Append("Call-ID: ").Append(request.CallId).Append("\r\n")
            .Append("CSeq: ").Append(request.Headers.Get(SipHeaderNames.CSeq)).Append("\r\n");
        return head + Body(null);
    }

    private string Request(string method, string uri, int cseq, string? to, string? sdp, bool ackMethod = false)
    {
        var head = new StringBuilder()
            .Append(method).Append(' ').Append(uri).Append(" SIP/2.0\r\n")
            .Append("Via: SIP/2.0/WSS ").Append(Host).Append(";branch=z9hG4bK").Append(Next()).Append("\r\n")
            .Append("Max-Forwards: 69\r\n")
            .Append("To: ").Append(to ?? $"<{_remoteUri}>;tag={_remoteTag}").Append("\r\n")
            .Append("From: <").Append(_localUri).Append(">;tag=").Append(_localTag).Append("\r\n")
            .Append("Call-ID: ").Append(_callId).Append("\r\n")
            .Append("CSeq: ").Append(cseq.ToString(CultureInfo.InvariantCulture)).Append(' ').Append(ackMethod ? "ACK" : method).Append("\r\n")
            .Append("Contact: <sip:c@").Append(Host).Append(";transport=ws;ob>\r\n");
        return head + Body(sdp);
    }

    private static string Body(string? sdp) => sdp is null
        ? "Content-Length: 0\r\n\r\n"
        : "Content-Type: application/sdp\r\nContent-Length: " + Encoding.UTF8.GetByteCount(sdp).ToString(CultureInfo.InvariantCulture) + "\r\n\r\n" + sdp;

    private string RegisterText(string callId, string? authorization) =>
        "REGISTER sip:pbxbridge SIP/2.0\r\nVia: SIP/2.0/WSS " + Host + ";branch=z9hG4bK" + Next() + "\r\nMax-Forwards: 69\r\n" +
        "To: <sip:1001@pbxbridge>\r\nFrom: <sip:1001@pbxbridge>;tag=rt" + Next() + "\r\nCall-ID: " + callId + "\r\n" +
        "CSeq: " + (++_cseq).ToString(CultureInfo.InvariantCulture) + " REGISTER\r\n" +
        (authorization is null ? string.Empty : "Authorization: " + authorization + "\r\n") +
        "Contact: <sip:c@" + Host + ";transport=ws>;expires=600\r\nExpires: 600\r\nContent-Length: 0\r\n\r\n";

    private async Task<SipResponse> RequestAsync(string text, string method, bool provisionalToo = false)
    {
        var cseq = CSeq.TryParse(text.Split("\r\n").First(l => l.StartsWith("CSeq:", StringComparison.Ordinal))[5..].Trim(), out var c, out _) ? c.Number : 0u;
        var callId = text.Split("\r\n").First(l => l.StartsWith("Call-ID:", StringComparison.Ordinal))[8..].Trim();
        await SendAsync(text);
        return await flow.WaitForAsync<SipResponse>(r =>
            r.CallId == callId && r.CSeq is { } rc && rc.Method == method && rc.Number == cseq && (provisionalToo || r.StatusCode >= 200));
    }

    private Task SendAsync(string text)
    {
        stack.OnMessageReceived(flow, Encoding.UTF8.GetBytes(text));
        return Task.CompletedTask;
    }

    private string Next() => (++_next).ToString(CultureInfo.InvariantCulture) + Random.Shared.Next(1000, 9999).ToString(CultureInfo.InvariantCulture);
}
