using PbxBridge.Sip.Message;

namespace PbxBridge.Sip.Dialogs;

/// <summary>Reads RFC 4028 Session-Expires ("x" in compact form): delta-seconds with an optional refresher.</summary>
internal static class SessionExpires
{
    public static bool TryRead(SipMessage message, out int seconds)
    {
        seconds = 0;
        var value = message.Headers.Get(SipHeaderNames.SessionExpires);
        if (value is null)
        {
            return false;
        }

        var number = value.Split(';')[0].Trim();
        if (!SipSyntax.TryParseDigits(number, int.MaxValue, out var s))
        {
            return false;
        }

        seconds = (int)s;
        return true;
    }
}
