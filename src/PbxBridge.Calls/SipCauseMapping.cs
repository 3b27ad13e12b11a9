using PbxBridge.Calls.Pbx;

namespace PbxBridge.Calls;

/// <summary>
/// Q.850 cause (what Asterisk and FreeSWITCH report) to the SIP final response the browser gets, per RFC 3398 §7.2.4.1
/// with the four outcomes agents see most: busy 486, no answer 480, unknown number 404, congestion/failure 503.
/// And back: the SIP status a browser rejected with, as the cause the PBX should see.
/// </summary>
public static class SipCauseMapping
{
    public static (int Status, string Reason) ToSipResponse(PbxCause cause) => cause.Q850 switch
    {
        1 or 2 or 3 => (404, "Not Found"),
        17 => (486, "Busy Here"),
        18 or 19 => (480, "Temporarily Unavailable"),
        20 => (480, "Temporarily Unavailable"),
        21 => (603, "Decline"),
        22 => (410, "Gone"),
        27 => (502, "Bad Gateway"),
        28 => (484, "Address Incomplete"),
        29 => (501, "Not Implemented"),
        31 => (480, "Temporarily Unavailable"),
        34 or 38 or 41 or 42 or 44 or 47 => (503, "Service Unavailable"),
        58 or 65 or 88 => (488, "Not Acceptable Here"),
        127 => (500, "Server Internal Error"),
        487 => (487, "Request Terminated"),
        _ => (480, "Temporarily Unavailable"),
    };

    public static PbxCause FromSipStatus(int status) => status switch
    {
        404 or 484 => PbxCause.Unallocated,
        408 or 480 => PbxCause.NoAnswer,
        486 or 600 => PbxCause.UserBusy,
        487 => PbxCause.OriginatorCancel,
        603 => PbxCause.CallRejected,
        488 or 606 => new PbxCause(58, "BEARERCAPABILITY_NOTAVAIL"),
        >= 500 and < 600 => PbxCause.NormalTemporaryFailure,
        _ => PbxCause.CallRejected,
    };
}
