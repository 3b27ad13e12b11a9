using System.Globalization;
using System.Text;
using PbxBridge.Sip.Auth;
using PbxBridge.Sip.Message;

namespace PbxBridge.Sip.Tests.Support;

/// <summary>Which browser library's message shapes to send.</summary>
public enum BrowserFlavor
{
    /// <summary>JsSIP 3.13: Max-Forwards 69, Contact with +sip.ice;reg-id;+sip.instance, Session-Expires: 90 on INVITE.</summary>
    JsSip,

    /// <summary>SIP.js 0.21: Max-Forwards 70, plain Contact with expires, no session timers.</summary>
    SipJs,
}

/// <summary>A browser softphone as seen on the wire: writes REGISTER/INVITE/ACK/BYE/CANCEL/INFO/UPDATE the way JsSIP
/// and SIP.js do (see their lib/ sources under tests/browser/node_modules) and feeds them to the stack.</summary>
internal sealed class BrowserUa
{
    private static int s_seq;
    private readonly StackHarness _harness;
    private readonly string _registerCallId = "reg" + Next();
    private readonly string _registerFromTag = "rt" + Next();
    private uint _registerCSeq;
    private uint _nonceCount;

    public BrowserUa(StackHarness harness, TestFlow flow, string agentId, BrowserFlavor flavor = BrowserFlavor.JsSip)
    {
        _harness = harness;
        Flow = flow;
        AgentId = agentId;
        Flavor = flavor;
        ViaHost = "h" + Next() + "x.invalid";
        ContactUser = "c" + Next();
    }

    public TestFlow Flow { get; }

    public string AgentId { get; }

    public BrowserFlavor Flavor { get; }

    public string ViaHost { get; }

    public string ContactUser { get; }

    public string ContactUri => "sip:" + ContactUser + "@" + ViaHost + ";transport=ws";

    public string InstanceId { get; } = "<urn:uuid:" + Guid.NewGuid() + ">";

    public static string NewBranch() => "z9hG4bK" + Next();

    private static string Next() => Interlocked.Increment(ref s_seq).ToString(CultureInfo.InvariantCulture) + Random.Shared.Next(100000, 999999).ToString(CultureInfo.InvariantCulture);

    public string Via(string branch) => "SIP/2.0/WSS " + ViaHost + ";branch=" + branch;

    public void Send(string text) => _harness.Stack.OnMessageReceived(Flow, Encoding.UTF8.GetBytes(text));

    public string ContactHeader(int? expires) => Flavor == BrowserFlavor.JsSip
        ? "<" + ContactUri + ">;+sip.ice;reg-id=1;+sip.instance=\"" + InstanceId + "\"" + (expires is int e ? ";expires=" + e.ToString(CultureInfo.InvariantCulture) : string.Empty)
        : "<" + ContactUri + ">" + (expires is int e2 ? ";expires=" + e2.ToString(CultureInfo.InvariantCulture) : string.Empty);

    public string RegisterText(int? expires = 600, string? authorization = null, string? contact = null, string? branch = null)
    {
        _registerCSeq++;
        var sb = new StringBuilder();
        sb.Append("REGISTER sip:pbxbridge SIP/2.0\r\n");
        sb.Append("Via: ").Append(Via(branch ?? NewBranch())).Append("\r\n");
        sb.Append("Max-Forwards: ").Append(Flavor == BrowserFlavor.JsSip ? "69" : "70").Append("\r\n");
        sb.Append("To: <sip:").Append(AgentId).Append("@pbxbridge>\r\n");
        sb.Append("From: <sip:").Append(AgentId).Append("@pbxbridge>;tag=").Append(_registerFromTag).Append("\r\n");
        sb.Append("Call-ID: ").Append(_registerCallId).Append("\r\n");
        sb.Append("CSeq: ").Append(_registerCSeq).Append(" REGISTER\r\n");
        if (authorization is not null)
        {
            sb.Append("Authorization: ").Append(authorization).Append("\r\n");
        }

        sb.Append("Contact: ").Append(contact ?? ContactHeader(expires)).Append("\r\n");
        if (Flavor == BrowserFlavor.JsSip && expires is int e)
        {
            sb.Append("Expires: ").Append(e).Append("\r\n");
        }

        sb.Append("Allow: INVITE,ACK,CANCEL,BYE,UPDATE,MESSAGE,OPTIONS,REFER,INFO,NOTIFY\r\n");
        sb.Append("Supported: path,gruu,outbound\r\n");
        sb.Append("User-Agent: ").Append(Flavor == BrowserFlavor.JsSip ? "JsSIP 3.13.8" : "SIP.js/0.21.2").Append("\r\n");
        sb.Append("Content-Length: 0\r\n\r\n");
        return sb.ToString();
    }

    /// <summary>Answers a challenge the way the libraries do: their parsers keep the LAST WWW-Authenticate header.
    /// A negative index counts from the end.</summary>
    public string Authorize(SipResponse challengeResponse, string method, string uri, string? password = null, int challengeIndex = -1)
    {
        var header = challengeResponse.StatusCode == 407 ? SipHeaderNames.ProxyAuthenticate : SipHeaderNames.WwwAuthenticate;
        var values = challengeResponse.Headers.GetFieldValues(header);
        Assert.True(DigestChallenge.TryParse(values[challengeIndex < 0 ? values.Count + challengeIndex : challengeIndex], out var challenge));
        var ha1 = SipDigestHa1.Compute(challenge!.Algorithm, AgentId, challenge.Realm, password ?? TestAgents.PasswordOf(AgentId));
        return DigestAuthenticator.Answer(challenge, AgentId, ha1, method, uri, "cn" + Next(), ++_nonceCount).ToHeaderValue();
    }

    /// <summary>Sends a request and returns the response to it. A throttled source's answer is held back by a timer on
    /// the stack's clock, so when none came at once the clock moves on by the throttle's cap.</summary>
    public SipResponse SendAndAwaitResponse(string text)
    {
        var before = Flow.Sent.Count;
        Send(text);
        if (Flow.Sent.Count == before)
        {
            _harness.Time.Advance(_harness.Stack.Options.AuthThrottleMaxDelay);
        }

        Assert.True(Flow.Sent.Count > before, "the stack never answered");
        return Flow.LastResponse;
    }

    /// <summary>REGISTER, 401, REGISTER with credentials: returns the final response.</summary>
    public SipResponse Register(int expires = 600, string? password = null, int challengeIndex = -1)
    {
        var challenge = SendAndAwaitResponse(RegisterText(expires));
        if (challenge.StatusCode != 401)
        {
            // Throttled sources get 403 / 429 without a challenge.
            return challenge;
        }

        return SendAndAwaitResponse(RegisterText(expires, Authorize(challenge, "REGISTER", "sip:pbxbridge", password, challengeIndex)));
    }

    public BrowserCall Invite(string destination, string sdp, bool sessionTimer = true, string? authorization = null, BrowserCall? retryOf = null, int sessionExpires = 90)
    {
        var call = retryOf is null
            ? new BrowserCall("call" + Next(), "ft" + Next(), NewBranch(), (uint)Random.Shared.Next(1, 9000), destination)
            : retryOf with { Branch = NewBranch(), CSeq = retryOf.CSeq + 1 };
        var sb = new StringBuilder();
        sb.Append("INVITE sip:").Append(destination).Append("@pbxbridge SIP/2.0\r\n");
        sb.Append("Via: ").Append(Via(call.Branch)).Append("\r\n");
        sb.Append("Max-Forwards: ").Append(Flavor == BrowserFlavor.JsSip ? "69" : "70").Append("\r\n");
        sb.Append("To: <sip:").Append(destination).Append("@pbxbridge>\r\n");
        sb.Append("From: \"Agent ").Append(AgentId).Append("\" <sip:").Append(AgentId).Append("@pbxbridge>;tag=").Append(call.FromTag).Append("\r\n");
        sb.Append("Call-ID: ").Append(call.CallId).Append("\r\n");
        sb.Append("CSeq: ").Append(call.CSeq).Append(" INVITE\r\n");
        if (authorization is not null)
        {
            sb.Append("Proxy-Authorization: ").Append(authorization).Append("\r\n");
        }

        sb.Append("Contact: <").Append(ContactUri).Append(";ob>\r\n");
        sb.Append("Content-Type: application/sdp\r\n");
        if (Flavor == BrowserFlavor.JsSip && sessionTimer)
        {
            sb.Append("Session-Expires: ").Append(sessionExpires).Append("\r\n");
        }

        sb.Append("Allow: INVITE,ACK,CANCEL,BYE,UPDATE,MESSAGE,OPTIONS,REFER,INFO,NOTIFY\r\n");
        sb.Append("Supported: timer,ice,replaces,outbound\r\n");
        sb.Append("User-Agent: JsSIP 3.13.8\r\n");
        AppendBody(sb, "application/sdp", sdp, contentTypeWritten: true);
        Send(sb.ToString());
        return call;
    }

    /// <summary>
    /// Places a call the handler answers and confirms it: the dialog's To tag from the last INVITE response, then the
    /// ACK (RFC 3261 §13.2.2.4). Tests of what happens after the answer start here.
    /// </summary>
    public BrowserCall InviteAndAck(string destination, string sdp)
    {
        var call = Invite(destination, sdp);
        call.ToTag = Flow.Responses("INVITE").Last().To!.Tag;
        InDialog(call, "ACK", call.CSeq);
        return call;
    }

    /// <summary>Sends an in-dialog request (ACK, BYE, INFO, UPDATE, re-INVITE) on a call the browser placed.</summary>
    public void InDialog(BrowserCall call, string method, uint cseq, string? contentType = null, string? body = null, string? extraHeaders = null, string? branch = null)
    {
        var sb = new StringBuilder();
        sb.Append(method).Append(" sip:pbxbridge@pbxbridge.invalid;transport=ws SIP/2.0\r\n");
        sb.Append("Via: ").Append(Via(branch ?? NewBranch())).Append("\r\n");
        sb.Append("Max-Forwards: 69\r\n");
        sb.Append("To: <sip:").Append(call.Destination).Append("@pbxbridge>;tag=").Append(call.ToTag).Append("\r\n");
        sb.Append("From: \"Agent ").Append(AgentId).Append("\" <sip:").Append(AgentId).Append("@pbxbridge>;tag=").Append(call.FromTag).Append("\r\n");
        sb.Append("Call-ID: ").Append(call.CallId).Append("\r\n");
        sb.Append("CSeq: ").Append(cseq).Append(' ').Append(method).Append("\r\n");
        if (method is "INVITE" or "UPDATE")
        {
            sb.Append("Contact: <").Append(ContactUri).Append(";ob>\r\n");
        }

        sb.Append(extraHeaders);
        AppendBody(sb, contentType, body, contentTypeWritten: false);
        Send(sb.ToString());
    }

    public void Cancel(BrowserCall call)
    {
        var sb = new StringBuilder();
        sb.Append("CANCEL sip:").Append(call.Destination).Append("@pbxbridge SIP/2.0\r\n");
        sb.Append("Via: ").Append(Via(call.Branch)).Append("\r\n");
        sb.Append("Max-Forwards: 69\r\n");
        sb.Append("To: <sip:").Append(call.Destination).Append("@pbxbridge>\r\n");
        sb.Append("From: \"Agent ").Append(AgentId).Append("\" <sip:").Append(AgentId).Append("@pbxbridge>;tag=").Append(call.FromTag).Append("\r\n");
        sb.Append("Call-ID: ").Append(call.CallId).Append("\r\n");
        sb.Append("CSeq: ").Append(call.CSeq).Append(" CANCEL\r\n");
        sb.Append("Content-Length: 0\r\n\r\n");
        Send(sb.ToString());
    }

    /// <summary>The ACK for a non-2xx final: same branch as the INVITE (RFC 3261 §17.1.1.3).</summary>
    public void AckFailure(BrowserCall call, string toTag)
    {
        var sb = new StringBuilder();
        sb.Append("ACK sip:").Append(call.Destination).Append("@pbxbridge SIP/2.0\r\n");
        sb.Append("Via: ").Append(Via(call.Branch)).Append("\r\n");
        sb.Append("Max-Forwards: 69\r\n");
        sb.Append("To: <sip:").Append(call.Destination).Append("@pbxbridge>;tag=").Append(toTag).Append("\r\n");
        sb.Append("From: \"Agent ").Append(AgentId).Append("\" <sip:").Append(AgentId).Append("@pbxbridge>;tag=").Append(call.FromTag).Append("\r\n");
        sb.Append("Call-ID: ").Append(call.CallId).Append("\r\n");
        sb.Append("CSeq: ").Append(call.CSeq).Append(" ACK\r\n");
        sb.Append("Content-Length: 0\r\n\r\n");
        Send(sb.ToString());
    }

    /// <summary>Answers a request the stack sent to this browser, echoing Via/From/To/Call-ID/CSeq as libraries do.</summary>
    public void Respond(SipRequest request, int code, string phrase, string? toTag = null, string? sdp = null)
    {
        var response = SipResponse.For(request, code, phrase, toTag);
        if (code is > 100 and < 300)
        {
            response.Headers.Add(SipHeaderNames.Contact, "<" + ContactUri + ";ob>");
        }

        if (sdp is not null)
        {
            response.Headers.Add(SipHeaderNames.ContentType, "application/sdp");
            response.BodyText = sdp;
        }

        _harness.Stack.OnMessageReceived(Flow, response.ToBytes());
    }

    private static void AppendBody(StringBuilder sb, string? contentType, string? body, bool contentTypeWritten)
    {
        if (body is null)
        {
            sb.Append("Content-Length: 0\r\n\r\n");
            return;
        }

        if (!contentTypeWritten && contentType is not null)
        {
            sb.Append("Content-Type: ").Append(contentType).Append("\r\n");
        }

        sb.Append("Content-Length: ").Append(Encoding.UTF8.GetByteCount(body)).Append("\r\n\r\n").Append(body);
    }
}

/// <summary>The browser's view of a call it placed.</summary>
internal sealed record BrowserCall(string CallId, string FromTag, string Branch, uint CSeq, string Destination)
{
    public string? ToTag { get; set; }
}
