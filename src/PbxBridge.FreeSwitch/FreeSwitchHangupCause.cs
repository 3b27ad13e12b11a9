using System.Globalization;
using PbxBridge.Calls.Pbx;

namespace PbxBridge.FreeSwitch;

/// <summary>
/// FreeSWITCH's hangup causes (switch_types.h switch_call_cause_t: Q.850 numbers plus its own 487/5xx/6xx), the SIP
/// Reason header it sends (RFC 3326, "Q.850;cause=16;text=\"NORMAL_CLEARING\"") and SIP status mapping (RFC 3398 as
/// mod_sofia applies it).
/// </summary>
public static class FreeSwitchHangupCause
{
    private static readonly Dictionary<string, int> Numbers = new(StringComparer.Ordinal)
    {
        ["UNALLOCATED_NUMBER"] = 1,
        ["NO_ROUTE_DESTINATION"] = 3,
        ["NORMAL_CLEARING"] = 16,
        ["USER_BUSY"] = 17,
        ["NO_USER_RESPONSE"] = 18,
        ["NO_ANSWER"] = 19,
        ["SUBSCRIBER_ABSENT"] = 20,
        ["CALL_REJECTED"] = 21,
        ["NUMBER_CHANGED"] = 22,
        ["DESTINATION_OUT_OF_ORDER"] = 27,
        ["INVALID_NUMBER_FORMAT"] = 28,
        ["NORMAL_UNSPECIFIED"] = 31,
        ["NORMAL_CIRCUIT_CONGESTION"] = 34,
        ["NETWORK_OUT_OF_ORDER"] = 38,
        ["NORMAL_TEMPORARY_FAILURE"] = 41,
        ["SWITCH_CONGESTION"] = 42,
        ["INCOMPATIBLE_DESTINATION"] = 88,
        ["RECOVERY_ON_TIMER_EXPIRE"] = 102,
        ["ORIGINATOR_CANCEL"] = 487,
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
        return Numbers.TryGetValue(text, out var number) ? new PbxCause(number, text) : new PbxCause(31, text.Length == 0 ? "NORMAL_UNSPECIFIED" : text);
    }

    /// <summary>The RFC 3326 Reason header for a cause, as mod_sofia writes it.</summary>
    public static string ToReasonHeader(PbxCause cause) =>
        string.Create(CultureInfo.InvariantCulture, $"Q.850;cause={cause.Q850};text=\"{cause.Text}\"");

    /// <summary>Reads "Q.850;cause=N;text=\"NAME\"" (the text wins when it is a known name, else the number).</summary>
    public static bool TryParseReason(string? header, out PbxCause cause)
    {
        cause = default;
        if (header is null || !header.TrimStart().StartsWith("Q.850", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        int? number = null;
        string? text = null;
        foreach (var part in header.Split(';'))
        {
            var kv = part.Split('=', 2);
            if (kv.Length != 2)
            {
                continue;
            }

            var key = kv[0].Trim();
            if (key.Equals("cause", StringComparison.OrdinalIgnoreCase) && int.TryParse(kv[1].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var n))
            {
                number = n;
            }
            else if (key.Equals("text", StringComparison.OrdinalIgnoreCase))
            {
                text = kv[1].Trim().Trim('"');
            }
        }

        if (number is null)
        {
            return false;
        }

        cause = text is not null && Numbers.ContainsKey(text) ? FromName(text) : new PbxCause(number.Value, text ?? FromNumber(number.Value));
        return true;
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

    /// <summary>The SIP final response we give FreeSWITCH when refusing its INVITE for a cause.</summary>
    public static (int Status, string Phrase) ToSipStatus(PbxCause cause) => cause.Q850 switch
    {
        1 => (404, "Not Found"),
        17 => (486, "Busy Here"),
        18 or 19 or 20 => (480, "Temporarily Unavailable"),
        21 => (603, "Decline"),
        34 or 41 or 42 => (503, "Service Unavailable"),
        88 => (488, "Not Acceptable Here"),
        487 => (487, "Request Terminated"),
        _ => (480, "Temporarily Unavailable"),
    };

    private static string FromNumber(int number)
    {
        foreach (var pair in Numbers)
        {
            if (pair.Value == number)
            {
                return pair.Key;
            }
        }

        return "NORMAL_UNSPECIFIED";
    }
}
