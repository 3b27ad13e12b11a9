using PbxBridge.Sip.Message;

namespace PbxBridge.Sip.Refer;

/// <summary>
/// A REFER the agent sent inside a call (RFC 3515), already answered 202 Accepted and notified "100 Trying". Whoever
/// carries it out reports the outcome of the referenced call through <see cref="Progress"/> and, once,
/// <see cref="Complete"/>: a 2xx tells the agent's softphone the transfer succeeded (JsSIP and SIP.js phones then send
/// BYE), anything else that it failed and why, with the call left as it was.
/// </summary>
public sealed class SipReferral
{
    private readonly Action<int, string> _notify;
    private int _completed;

    internal SipReferral(SipCall call, ReferTo referTo, SipCall? replacedCall, string? referredBy, Action<int, string> notify)
    {
        Call = call;
        ReferTo = referTo;
        ReplacedCall = replacedCall;
        ReferredBy = referredBy;
        _notify = notify;
    }

    /// <summary>The call whose dialog carried the REFER: its far party is the one transferred.</summary>
    public SipCall Call { get; }

    public ReferTo ReferTo { get; }

    /// <summary>For an attended transfer, the agent's own call that the Replaces names (RFC 3891); null for a blind
    /// transfer, and also when the Replaces names no dialog of this agent (see <see cref="IsAttended"/>).</summary>
    public SipCall? ReplacedCall { get; }

    /// <summary>Whether the Refer-To carried a Replaces: an attended transfer, even if the dialog it names is unknown.</summary>
    public bool IsAttended => ReferTo.Replaces is not null;

    public string? ReferredBy { get; }

    public bool IsCompleted => Volatile.Read(ref _completed) != 0;

    /// <summary>A provisional status of the referenced call (180 Ringing); ignored after <see cref="Complete"/>.</summary>
    public void Progress(int statusCode, string reasonPhrase)
    {
        if (statusCode is < 101 or > 199)
        {
            throw new ArgumentOutOfRangeException(nameof(statusCode), statusCode, "a provisional status is 101-199");
        }

        if (!IsCompleted)
        {
            _notify(statusCode, reasonPhrase);
        }
    }

    /// <summary>The final status of the referenced call; the subscription ends with it. Only the first call counts.</summary>
    public void Complete(int statusCode, string reasonPhrase)
    {
        if (statusCode is < 200 or > 699)
        {
            throw new ArgumentOutOfRangeException(nameof(statusCode), statusCode, "a final status is 200-699");
        }

        if (Interlocked.Exchange(ref _completed, 1) == 0)
        {
            _notify(statusCode, reasonPhrase);
        }
    }

    public override string ToString() =>
        "REFER to " + ReferTo.Address.UriText + (ReferTo.Replaces is { } r ? " replacing " + r.CallId : string.Empty);
}
