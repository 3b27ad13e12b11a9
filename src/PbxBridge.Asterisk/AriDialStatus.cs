using PbxBridge.Calls.Pbx;

namespace PbxBridge.Asterisk;

/// <summary>
/// What a Dial event's dialstatus says about the far end of an originated Local channel, read the same way for an
/// agent's call and for a transfer target.
/// </summary>
internal static class AriDialStatus
{
    /// <summary>RINGING or PROGRESS: the far end exists and is alerting.</summary>
    public static bool IsRinging(string dialstatus) => dialstatus is "RINGING" or "PROGRESS";

    /// <summary>
    /// PROGRESS: the far end has audio before answer (Progress() in the dialplan, a SIP 183 with SDP), which a bridged
    /// far channel carries from now on. Recorded with Asterisk 22: Progress()+Playtones gives Dial PROGRESS at once and
    /// the tone on the externalMedia channel until the answer; Ringing() gives RINGING and no RTP.
    /// </summary>
    public static bool IsEarlyMedia(string dialstatus) => dialstatus is "PROGRESS";

    /// <summary>
    /// The cause the dialstatus points to, if any. NOANSWER is "no answer" only for a far end that rang: a number with
    /// no extension behind it ends the same way at once, with cause 0 and no RINGING before (Asterisk 22), and must
    /// read as unallocated (404), not 480.
    /// </summary>
    public static PbxCause? CauseHint(string dialstatus, bool rang) => dialstatus switch
    {
        "BUSY" => PbxCause.UserBusy,
        "NOANSWER" when rang => PbxCause.NoAnswer,
        "CONGESTION" or "CHANUNAVAIL" => PbxCause.Congestion,
        _ => null,
    };
}
