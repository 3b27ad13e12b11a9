using System.Globalization;
using PbxBridge.Sip.Message;

namespace PbxBridge.Tests.Support;

/// <summary>One INVITE a <see cref="WssSipClient"/> sent, with the ids that CANCEL and in-dialog requests for it need
/// (which anyone who saw the INVITE could copy, as the tests of dialog ownership do).</summary>
internal sealed record SipCallLeg(string AgentId, string Destination, string Host, string Branch, string CallId, string FromTag, SipResponse Response)
{
    private static int s_branch;

    /// <summary>RFC 3261 §9.1: the INVITE's Request-URI, Via (branch included), Call-ID, From, To and CSeq number.</summary>
    public string Cancel() =>
        "CANCEL sip:" + Destination + "@pbxbridge SIP/2.0\r\nVia: SIP/2.0/WSS " + Host + ";branch=" + Branch + "\r\nMax-Forwards: 69\r\n" +
        "To: <sip:" + Destination + "@pbxbridge>\r\nFrom: <sip:" + AgentId + "@pbxbridge>;tag=" + FromTag + "\r\nCall-ID: " + CallId +
        "\r\nCSeq: 1 CANCEL\r\nContent-Length: 0\r\n\r\n";

    /// <summary>The ACK for a 2xx: a transaction of its own (RFC 3261 §13.2.2.4).</summary>
    public string Ack() => InDialog("ACK", 1);

    /// <summary>A request inside the dialog (BYE, re-INVITE without an offer, INFO...), with a fresh branch.</summary>
    public string InDialog(string method, uint cseq) =>
        method + " sip:pbxbridge@127.0.0.1;transport=ws SIP/2.0\r\nVia: SIP/2.0/WSS " + Host + ";branch=z9hG4bKd" +
        Interlocked.Increment(ref s_branch).ToString(CultureInfo.InvariantCulture) + Random.Shared.Next(100000, 999999).ToString(CultureInfo.InvariantCulture) +
        "\r\nMax-Forwards: 69\r\nTo: " + Response.Headers.Get(SipHeaderNames.To) + "\r\nFrom: <sip:" + AgentId + "@pbxbridge>;tag=" + FromTag +
        "\r\nCall-ID: " + CallId + "\r\nCSeq: " + cseq.ToString(CultureInfo.InvariantCulture) + " " + method +
        "\r\nContact: <sip:c@" + Host + ";transport=ws;ob>\r\nContent-Length: 0\r\n\r\n";
}
