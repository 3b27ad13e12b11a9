namespace PbxBridge.Calls.Pbx;

/// <param name="CallId">PbxBridge's own call id (logs, metrics, X-PbxBridge-Call-Id).</param>
/// <param name="AgentId">The agent who dials.</param>
/// <param name="AgentDisplayName">Shown as caller name where the PBX takes it.</param>
/// <param name="Destination">What the agent dialed (the request-URI user part).</param>
/// <param name="Media">Where PbxBridge receives the PBX leg's RTP and in which codec.</param>
/// <param name="Observer">Receives ringing, media address, answer, DTMF and hangup for the leg.</param>
public sealed record OutboundCallRequest(
    string CallId,
    string AgentId,
    string AgentDisplayName,
    string Destination,
    PbxMediaOffer Media,
    IPbxLegObserver Observer);
