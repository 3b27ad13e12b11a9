using PbxBridge.Calls.Pbx;
using PbxBridge.Sip.Message;

namespace PbxBridge.FreeSwitch;

/// <summary>
/// FreeSWITCH's hangup causes: the Q.850 ones (<see cref="PbxCause.FromQ850"/>, shared with Asterisk) plus its own
/// beyond Q.850 (switch_types.h switch_call_cause_t), in Hangup-Cause, "-ERR CAUSE" and the RFC 3326 Reason header
/// mod_sofia sends (<see cref="SipReason"/>); and the causes mod_sofia reports for SIP statuses. Our own refusals use
/// <see cref="Calls.SipCauseMapping"/> (RFC 3398), as the browser's do.
/// </summary>
public static class FreeSwitchHangupCause
{
    private static readonly Dictionary<string, int> Own = new(StringComparer.Ordinal)
    {
        ["LOSE_RACE"] = 502,
        ["MANAGER_REQUEST"] = 503,
        ["BLIND_TRANSFER"] = 600,
        ["ALLOTTED_TIMEOUT"] = 602,
        ["MEDIA_TIMEOUT"] = 604,
        ["PICKED_OFF"] = 605,
        ["USER_NOT_REGISTERED"] = 606,
        ["PROGRESS_TIMEOUT"] = 607,
        ["GATEWAY_DOWN"] = 609,
        ["SYSTEM_SHUTDOWN"] = 701,
    };

    /// <summary>A Hangup-Cause / originate "-ERR CAUSE" name as a <see cref="PbxCause"/>; unknown names keep their text.</summary>
    public static PbxCause FromName(string name)
    {
        var text = (name ?? string.Empty).Trim();
        return TryFromKnownName(text, out var cause) ? cause : new PbxCause(31, text.Length == 0 ? "NORMAL_UNSPECIFIED" : text);
    }

    /// <summary>The RFC 3326 Reason header for a cause, as mod_sofia writes it.</summary>
    public static string ToReasonHeader(PbxCause cause) => SipReason.Q850(cause.Q850, cause.Text);

    /// <summary>Reads "Q.850;cause=N;text=\"NAME\"" (the text wins when it is a known name, else the number).</summary>
    public static bool TryParseReason(string? header, out PbxCause cause)
    {
        cause = default;
        if (!SipReason.TryParseQ850(header, out var number, out var text))
        {
            return false;
        }

        if (text is null || !TryFromKnownName(text, out cause))
        {
            cause = new PbxCause(number, text ?? NameOf(number));
        }

        return true;
    }

    /// <summary>A Q.850 name (shared with Asterisk) or one of FreeSWITCH's own, exactly as spelled.</summary>
    private static bool TryFromKnownName(string text, out PbxCause cause)
    {
        if (PbxCause.TryFromName(text, out cause))
        {
            return true;
        }

        if (Own.TryGetValue(text, out var number))
        {
            cause = new PbxCause(number, text);
            return true;
        }

        return false;
    }

    /// <summary>The name of a cause number with no text beside it: FreeSWITCH's own, else Q.850's, else NORMAL_UNSPECIFIED.</summary>
    private static string NameOf(int number)
    {
        foreach (var (name, own) in Own)
        {
            if (own == number)
            {
                return name;
            }
        }

        return PbxCause.FromQ850(number, "NORMAL_UNSPECIFIED").Text;
    }

    /// <summary>A final SIP status from FreeSWITCH as the cause mod_sofia reports for it (sofia_glue_sip_cause_to_freeswitch).</summary>
    public static PbxCause FromSipStatus(int status) => status switch
    {
        404 or 485 => FromName("UNALLOCATED_NUMBER"),
        403 or 603 => FromName("CALL_REJECTED"),
        408 or 504 => FromName("RECOVERY_ON_TIMER_EXPIRE"),
        410 => FromName("NUMBER_CHANGED"),
        480 => FromName("NO_USER_RESPONSE"),
        484 => FromName("INVALID_NUMBER_FORMAT"),
        486 or 600 => FromName("USER_BUSY"),
        487 => FromName("ORIGINATOR_CANCEL"),
        488 or 606 => FromName("INCOMPATIBLE_DESTINATION"),
        502 => FromName("NETWORK_OUT_OF_ORDER"),
        503 => FromName("NORMAL_TEMPORARY_FAILURE"),
        _ => FromName("NORMAL_UNSPECIFIED"),
    };

}
