using PbxBridge.Sip.Refer;

namespace PbxBridge.Sip;

/// <summary>The agent's own call a Replaces names (RFC 3891 §3).</summary>
public sealed partial class SipStack
{
    /// <summary>The call of <paramref name="agentId"/> whose dialog <paramref name="replaces"/> names, or null: another
    /// agent's dialog is never found, whatever it names.</summary>
    internal SipCall? FindCallForReplaces(Replaces replaces, string agentId) =>
        Core.FindDialog(replaces)?.Owner is SipCall { IsEnded: false } call && call.AgentId == agentId ? call : null;
}
