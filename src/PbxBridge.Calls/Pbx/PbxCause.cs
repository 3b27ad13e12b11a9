namespace PbxBridge.Calls.Pbx;

/// <summary>
/// Why a PBX leg ended or failed, as a Q.850 cause (what Asterisk's ChannelDestroyed.cause and FreeSWITCH's
/// Hangup-Cause both carry) plus the PBX's own text for logs and the SIP Reason header (RFC 3326).
/// </summary>
public readonly record struct PbxCause(int Q850, string Text)
{
    public static PbxCause NormalClearing => new(16, "NORMAL_CLEARING");
    public static PbxCause UserBusy => new(17, "USER_BUSY");
    public static PbxCause NoUserResponse => new(18, "NO_USER_RESPONSE");
    public static PbxCause NoAnswer => new(19, "NO_ANSWER");
    public static PbxCause SubscriberAbsent => new(20, "SUBSCRIBER_ABSENT");
    public static PbxCause CallRejected => new(21, "CALL_REJECTED");
    public static PbxCause Unallocated => new(1, "UNALLOCATED_NUMBER");
    public static PbxCause NormalTemporaryFailure => new(41, "NORMAL_TEMPORARY_FAILURE");
    public static PbxCause Congestion => new(34, "NORMAL_CIRCUIT_CONGESTION");
    public static PbxCause OriginatorCancel => new(487, "ORIGINATOR_CANCEL");

    /// <summary>The cause names of ITU-T Q.850 as both PBXs spell them (FreeSWITCH's switch_call_cause_t, Asterisk's
    /// AST_CAUSE_*), and SIP's 487 that both use for a cancelled call.</summary>
    private static readonly Dictionary<int, string> Names = new()
    {
        [1] = "UNALLOCATED_NUMBER",
        [3] = "NO_ROUTE_DESTINATION",
        [16] = "NORMAL_CLEARING",
        [17] = "USER_BUSY",
        [18] = "NO_USER_RESPONSE",
        [19] = "NO_ANSWER",
        [20] = "SUBSCRIBER_ABSENT",
        [21] = "CALL_REJECTED",
        [22] = "NUMBER_CHANGED",
        [27] = "DESTINATION_OUT_OF_ORDER",
        [28] = "INVALID_NUMBER_FORMAT",
        [31] = "NORMAL_UNSPECIFIED",
        [34] = "NORMAL_CIRCUIT_CONGESTION",
        [38] = "NETWORK_OUT_OF_ORDER",
        [41] = "NORMAL_TEMPORARY_FAILURE",
        [42] = "SWITCH_CONGESTION",
        [88] = "INCOMPATIBLE_DESTINATION",
        [102] = "RECOVERY_ON_TIMER_EXPIRE",
        [487] = "ORIGINATOR_CANCEL",
    };

    private static readonly Dictionary<string, int> Numbers = Names.ToDictionary(p => p.Value, p => p.Key, StringComparer.Ordinal);

    /// <summary>A cause number as reported (ARI's cause, a Reason header's): its Q.850 name, else <paramref name="text"/>
    /// (UNKNOWN when there is none).</summary>
    public static PbxCause FromQ850(int cause, string? text) =>
        new(cause, Names.TryGetValue(cause, out var name) ? name : string.IsNullOrEmpty(text) ? "UNKNOWN" : text);

    /// <summary>A Q.850 cause name ("USER_BUSY") as its cause; false for a name that is not one.</summary>
    public static bool TryFromName(string name, out PbxCause cause)
    {
        cause = Numbers.TryGetValue(name, out var number) ? new PbxCause(number, name) : default;
        return number != 0;
    }

    public override string ToString() => $"{Q850} {Text}";
}
