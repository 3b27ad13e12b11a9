using System.Net;

namespace PbxBridge.Sip.Registrar;

/// <summary>One contact bound to an agent (RFC 3261 §10.3), remembered with the flow it registered on so
/// requests to the agent go back over that connection (RFC 5626 §5).</summary>
public sealed record SipRegistrationBinding(
    string AgentId,
    string ContactUri,
    string ContactValue,
    string FlowId,
    IPEndPoint Remote,
    string CallId,
    uint CSeq,
    DateTimeOffset ExpiresAt,
    string? UserAgent,
    string? InstanceId);
