namespace PbxBridge.Sip.Message;

/// <summary>
/// Whether the caller asked that its identity not be shown (RFC 3323), as a PBX marks it on the INVITE it sends:
/// <c>Privacy: id</c> / <c>user</c> (RFC 3323 §4.2, RFC 3325 §9.3), or the <c>privacy</c> parameter of
/// <c>Remote-Party-ID</c> (draft-ietf-sip-privacy-04: <c>full</c>, <c>name</c>, <c>uri</c>), which FreeSWITCH sends by
/// default (sofia's caller-id-type rpid) while leaving the number in From. PbxBridge is where the PBX's trust domain
/// ends toward the agent's browser, so it withholds what the caller withheld.
/// </summary>
public readonly record struct CallerPrivacy(bool HideName, bool HideNumber)
{
    public static CallerPrivacy Of(SipRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        bool hideName = false, hideNumber = false;
        foreach (var value in request.Headers.GetFieldValues("Privacy"))
        {
            foreach (var token in value.Split([';', ','], StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                if (token.Equals("id", StringComparison.OrdinalIgnoreCase) || token.Equals("user", StringComparison.OrdinalIgnoreCase))
                {
                    hideName = hideNumber = true;
                }
            }
        }

        foreach (var value in request.Headers.GetFieldValues("Remote-Party-ID"))
        {
            if (NameAddr.TryParse(value, out var rpid, out _) && rpid!.Parameters.Get("privacy") is { } privacy)
            {
                hideName |= privacy.Equals("full", StringComparison.OrdinalIgnoreCase) || privacy.Equals("name", StringComparison.OrdinalIgnoreCase);
                hideNumber |= privacy.Equals("full", StringComparison.OrdinalIgnoreCase) || privacy.Equals("uri", StringComparison.OrdinalIgnoreCase);
            }
        }

        return new CallerPrivacy(hideName, hideNumber);
    }
}
