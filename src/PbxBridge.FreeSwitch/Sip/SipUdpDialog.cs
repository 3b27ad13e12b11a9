using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using PbxBridge.Sip.Message;

namespace PbxBridge.FreeSwitch.Sip;

/// <summary>
/// The dialog state of one call with FreeSWITCH (RFC 3261 §12): Call-ID, tags, the remote target from Contact,
/// and our CSeq. The pbxbridge profile sends no Record-Route, so in-dialog requests go straight to the remote target.
/// </summary>
internal sealed class SipUdpDialog
{
    private uint _localCSeq;

    public SipUdpDialog(string callId, string localTag, string localAddress, string remoteAddress, string remoteTarget, IPEndPoint remoteEndPoint, uint initialCSeq)
    {
        CallId = callId;
        LocalTag = localTag;
        LocalAddress = localAddress;
        RemoteAddress = remoteAddress;
        RemoteTarget = remoteTarget;
        RemoteEndPoint = remoteEndPoint;
        _localCSeq = initialCSeq;
    }

    public string CallId { get; }

    public string LocalTag { get; }

    /// <summary>Our From (UAC) or To (UAS) header value without the tag.</summary>
    public string LocalAddress { get; }

    /// <summary>The peer's address header value without its tag.</summary>
    public string RemoteAddress { get; set; }

    public string? RemoteTag { get; set; }

    /// <summary>Request-URI of in-dialog requests: the peer's Contact.</summary>
    public string RemoteTarget { get; set; }

    public IPEndPoint RemoteEndPoint { get; }

    public uint NextCSeq() => Interlocked.Increment(ref _localCSeq);

    public uint CurrentCSeq => Volatile.Read(ref _localCSeq);

    public static string NewTag() => "pb" + RandomNumberGenerator.GetHexString(10, lowercase: true);

    public static string NewBranch() => Via.MagicCookie + RandomNumberGenerator.GetHexString(16, lowercase: true);

    /// <summary>A new in-dialog request (BYE, re-INVITE, OPTIONS) with a fresh branch and the next CSeq.</summary>
    public SipRequest CreateRequest(string method, IPEndPoint local)
    {
        var request = new SipRequest(method, RemoteTarget);
        AddCommonHeaders(request, local, NewBranch(), NextCSeq(), method);
        return request;
    }

    public void AddCommonHeaders(SipRequest request, IPEndPoint local, string branch, uint cseq, string method)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.Headers.Add(SipHeaderNames.Via, $"SIP/2.0/UDP {Format(local)};branch={branch};rport");
        request.Headers.Add(SipHeaderNames.MaxForwards, "70");
        request.Headers.Add(SipHeaderNames.From, LocalAddress + ";tag=" + LocalTag);
        request.Headers.Add(SipHeaderNames.To, RemoteTag is null ? RemoteAddress : RemoteAddress + ";tag=" + RemoteTag);
        request.Headers.Add(SipHeaderNames.CallId, CallId);
        request.Headers.Add(SipHeaderNames.CSeq, cseq.ToString(CultureInfo.InvariantCulture) + " " + method);
    }

    public static string Format(IPEndPoint endPoint) =>
        endPoint.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6
            ? $"[{endPoint.Address}]:{endPoint.Port.ToString(CultureInfo.InvariantCulture)}"
            : $"{endPoint.Address}:{endPoint.Port.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>The header value without its ";tag=..." parameter (a NameAddr's address part, as we resend it).</summary>
    public static string WithoutTag(string headerValue)
    {
        var index = headerValue.IndexOf(";tag=", StringComparison.OrdinalIgnoreCase);
        if (index < 0)
        {
            return headerValue.Trim();
        }

        var end = headerValue.IndexOf(';', index + 1);
        return (headerValue[..index] + (end < 0 ? string.Empty : headerValue[end..])).Trim();
    }
}
