using System.Net;

namespace PbxBridge.Sip;

/// <summary>A registration as the admin API shows it.</summary>
public sealed record SipRegistrationInfo(string AgentId, string Contact, string FlowId, IPEndPoint Remote, DateTimeOffset ExpiresAt, string? UserAgent);
