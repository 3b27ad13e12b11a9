using System.Globalization;
using PbxBridge.Sip.Dialogs;
using PbxBridge.Sip.Message;

namespace PbxBridge.Sip.Refer;

/// <summary>
/// The NOTIFY of RFC 3515's implicit subscription: <c>Event: refer;id=&lt;the REFER's CSeq&gt;</c> (JsSIP files a
/// NOTIFY under its REFER by that id), the progress of the referenced request as a <c>message/sipfrag</c> status line
/// (RFC 3420), and <c>Subscription-State</c> per RFC 6665 §8.2.3: <c>active;expires=N</c> while the outcome is open,
/// <c>terminated;reason=noresource</c> with the final status (RFC 3515 §2.4.7).
/// </summary>
internal static class ReferNotify
{
    public const string ContentType = "message/sipfrag;version=2.0";

    /// <summary>How long the implicit subscription lives unless a final NOTIFY ends it first; longer than a target
    /// may ring (the PBX adapters give up after 60 s).</summary>
    public const int ExpiresSeconds = 120;

    public static SipRequest Create(SipDialog dialog, uint referCSeq, int statusCode, string reasonPhrase)
    {
        var notify = dialog.CreateRequest(SipMethod.Notify);
        var final = statusCode >= 200;
        notify.Headers.Add(SipHeaderNames.Event, "refer;id=" + referCSeq.ToString(CultureInfo.InvariantCulture));
        notify.Headers.Add(SipHeaderNames.SubscriptionState, final
            ? "terminated;reason=noresource"
            : "active;expires=" + ExpiresSeconds.ToString(CultureInfo.InvariantCulture));
        notify.Headers.Add(SipHeaderNames.ContentType, ContentType);
        notify.BodyText = SipFrag(statusCode, reasonPhrase);
        return notify;
    }

    /// <summary>A status line as a sipfrag body (RFC 3420): "SIP/2.0 200 OK" and CRLF. The reason phrase loses any
    /// control character, so it cannot smuggle a header into the fragment.</summary>
    public static string SipFrag(int statusCode, string reasonPhrase) =>
        "SIP/2.0 " + statusCode.ToString(CultureInfo.InvariantCulture) + " "
        + new string(reasonPhrase.Where(c => c >= ' ' && c != '\u007f').ToArray()) + "\r\n";
}
