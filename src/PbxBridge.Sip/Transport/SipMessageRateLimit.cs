namespace PbxBridge.Sip.Transport;

/// <summary>How many SIP messages one WebSocket connection may send (CRLF keep-alives aside): a token bucket of
/// <see cref="Burst"/> messages refilled at <see cref="MessagesPerSecond"/>. Over it, requests get 503 with
/// Retry-After (RFC 3261 §21.5.4) and responses and ACKs are dropped; a connection still over it after
/// <see cref="FloodGrace"/> is closed with 1008 (policy violation, RFC 6455 §7.4.1).</summary>
/// <param name="MessagesPerSecond">Sustained rate; 0 turns the limit off (e.g. behind a proxy that multiplexes
/// many agents over one connection).</param>
public sealed record SipMessageRateLimit(int MessagesPerSecond, int Burst, TimeSpan FloodGrace)
{
    /// <summary>A browser's worst honest burst is a sign-in (REGISTER twice), a call (INVITE twice, ACKs, the answers
    /// to our requests) and a dial-pad mashed as SIP INFO: a few dozen messages, then a handful a second.</summary>
    public static SipMessageRateLimit Default => new(20, 50, TimeSpan.FromSeconds(5));

    public bool IsEnabled => MessagesPerSecond > 0;
}
