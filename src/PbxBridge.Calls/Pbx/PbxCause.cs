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

    public override string ToString() => $"{Q850} {Text}";
}
