namespace PbxBridge.Calls;

public enum CallDirection
{
    /// <summary>The agent dialed out through the PBX (browser INVITE).</summary>
    FromAgent,

    /// <summary>The PBX routed a call to the agent (Stasis / sofia INVITE toward PbxBridge).</summary>
    ToAgent,
}
