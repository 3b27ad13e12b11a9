namespace PbxBridge.Calls.AgentStates;

/// <summary>
/// What a PBX queue needs to know of an agent before ringing it. Derived from the agent's registrations and calls;
/// published to the PBX (Asterisk device state, FreeSWITCH mod_callcenter agent) so its queues skip busy or absent agents.
/// </summary>
public enum AgentState
{
    /// <summary>No browser registered (signed out, page closed, WebSocket lost).</summary>
    SignedOut,

    /// <summary>Registered, no call: a queue may ring this agent.</summary>
    Free,

    /// <summary>A call is ringing the agent's browser and nothing else is going on.</summary>
    Ringing,

    /// <summary>In a call (answered, or one the agent is placing).</summary>
    OnCall,

    /// <summary>Every answered call of the agent is held by the agent.</summary>
    OnHold,
}
