namespace PbxBridge.Calls;

public enum CallState
{
    Setup,
    Ringing,
    Answered,
    Ended,
}
