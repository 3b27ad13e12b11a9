namespace PbxBridge.Sip.Transactions;

/// <summary>RFC 3261 §17 / Table 4 timer values. Over a reliable transport (WebSocket) the retransmission timers
/// A, E and G are not started and the wait-for-retransmissions timers D, I, J and K are zero.</summary>
public sealed record SipTimerValues(TimeSpan T1, TimeSpan T2, TimeSpan T4)
{
    public static SipTimerValues Default { get; } = new(TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(5));

    /// <summary>Timer B, F and H: 64*T1, how long a transaction waits for a final response or an ACK.</summary>
    public TimeSpan TimerB => T1 * 64;

    public TimeSpan TimerF => T1 * 64;

    public TimeSpan TimerH => T1 * 64;

    /// <summary>Timer D: at least 32 s over UDP, zero over reliable transports.</summary>
    public TimeSpan TimerD(bool reliable) => reliable ? TimeSpan.Zero : TimeSpan.FromSeconds(32);

    public TimeSpan TimerI(bool reliable) => reliable ? TimeSpan.Zero : T4;

    public TimeSpan TimerJ(bool reliable) => reliable ? TimeSpan.Zero : T1 * 64;

    public TimeSpan TimerK(bool reliable) => reliable ? TimeSpan.Zero : T4;

    /// <summary>Next retransmission interval for Timers A/E/G: doubling, capped at T2 (A is not capped).</summary>
    public TimeSpan Backoff(TimeSpan current, bool capAtT2) => capAtT2 && current * 2 > T2 ? T2 : current * 2;
}
