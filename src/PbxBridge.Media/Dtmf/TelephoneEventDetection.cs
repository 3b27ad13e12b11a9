namespace PbxBridge.Media.Dtmf;

public enum TelephoneEventDetection
{
    /// <summary>Nothing new: a continuation, a retransmitted end, or a non-DTMF event.</summary>
    None,
    Began,

    /// <summary>A digit finished; reported once however many end packets arrive.</summary>
    Ended,
    Malformed,
}
