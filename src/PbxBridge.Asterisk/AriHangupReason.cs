using PbxBridge.Calls.Pbx;

namespace PbxBridge.Asterisk;

/// <summary>
/// Q.850 cause -> the <c>reason</c> names DELETE /channels/{id} accepts (ARI maps them back to the same causes);
/// causes without a name go as <c>reason_code</c>.
/// </summary>
internal static class AriHangupReason
{
    public static string? NameFor(PbxCause cause) => cause.Q850 switch
    {
        16 => "normal",
        17 => "busy",
        19 => "no_answer",
        18 => "timeout",
        21 => "rejected",
        1 => "unallocated",
        31 => "normal_unspecified",
        28 => "number_incomplete",
        58 => "codec_mismatch",
        127 => "interworking",
        38 => "failure",
        26 => "answered_elsewhere",
        34 => "congestion",

        // 487 is SIP's "Request Terminated", not Q.850: from the PBX's point of view the caller just cleared.
        487 => "normal",
        _ => null,
    };
}
