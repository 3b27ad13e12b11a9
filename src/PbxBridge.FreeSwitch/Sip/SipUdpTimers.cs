namespace PbxBridge.FreeSwitch.Sip;

/// <summary>RFC 3261 §17.1.1.1 / Table 4 timer values for an unreliable transport (UDP).</summary>
public sealed record SipUdpTimers(TimeSpan T1, TimeSpan T2)
{
    public static SipUdpTimers Rfc3261 { get; } = new(TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(4));

    /// <summary>Timer B (INVITE) and Timer F (non-INVITE) and the 2xx retransmission limit: 64*T1.</summary>
    public TimeSpan TransactionTimeout => T1 * 64;
}
