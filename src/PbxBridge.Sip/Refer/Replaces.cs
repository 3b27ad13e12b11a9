namespace PbxBridge.Sip.Refer;

/// <summary>
/// RFC 3891 Replaces: <c>callid *(SEMI (to-tag / from-tag / early-flag / generic-param))</c>, naming one dialog by its
/// Call-ID and the tags of its From and To. Both tags are required (§6.1). In a Refer-To it arrives URI-escaped as the
/// "Replaces" header of the target URI (RFC 3891 §7); <see cref="ReferTo"/> unescapes it before parsing.
/// </summary>
public sealed record Replaces(string CallId, string ToTag, string FromTag, bool EarlyOnly)
{
    public static bool TryParse(string text, out Replaces? value, out string? error)
    {
        value = null;
        var parts = text.Split(';');
        var callId = parts[0].Trim();
        if (callId.Length == 0 || callId.Any(c => c <= ' ' || c == '\u007f'))
        {
            error = "Replaces has no Call-ID";
            return false;
        }

        string? toTag = null;
        string? fromTag = null;
        var earlyOnly = false;
        for (var i = 1; i < parts.Length; i++)
        {
            var parameter = parts[i].Trim();
            var eq = parameter.IndexOf('=', StringComparison.Ordinal);
            var name = (eq < 0 ? parameter : parameter[..eq]).Trim();
            var paramValue = eq < 0 ? null : parameter[(eq + 1)..].Trim();
            if (name.Equals("to-tag", StringComparison.OrdinalIgnoreCase))
            {
                toTag = paramValue;
            }
            else if (name.Equals("from-tag", StringComparison.OrdinalIgnoreCase))
            {
                fromTag = paramValue;
            }
            else if (name.Equals("early-only", StringComparison.OrdinalIgnoreCase))
            {
                earlyOnly = true;
            }
        }

        if (string.IsNullOrEmpty(toTag) || string.IsNullOrEmpty(fromTag))
        {
            error = "Replaces needs both to-tag and from-tag (RFC 3891 §6.1)";
            return false;
        }

        value = new Replaces(callId, toTag, fromTag, earlyOnly);
        error = null;
        return true;
    }

    public override string ToString() => CallId + ";to-tag=" + ToTag + ";from-tag=" + FromTag + (EarlyOnly ? ";early-only" : string.Empty);
}
