using PbxBridge.Sip.Dialogs;
using PbxBridge.Sip.Message;

namespace PbxBridge.Sip;

/// <summary>
/// Our own re-INVITE in an established dialog (RFC 3261 §14.1), e.g. the PBX putting the agent on hold: we are the
/// UAC, the browser answers. The call above says what to offer when asked (<see cref="ReofferSource"/>), so a change
/// that comes while a re-INVITE is under way is offered once that one is over, with the state as it is then. Sending,
/// ACK and the 491 glare retry are the Sip core's <see cref="SipReInviteClient"/>; the browser's offer while ours is
/// pending gets 491 (§14.2).
/// </summary>
public abstract partial class SipCall : ISipReInviteOwner
{
    private SipReInviteClient? _reInvite;

    /// <summary>
    /// Called (on a stack thread, under its lock: must not block) when a re-INVITE of ours can go out: our offer, or
    /// null when there is nothing to change any more.
    /// </summary>
    public Func<string?>? ReofferSource { get; set; }

    /// <summary>Called (on a stack thread) with the browser's answer to our re-INVITE; false if it cannot be used.</summary>
    public Func<string, bool>? ReofferAnswered { get; set; }

    /// <summary>Our re-INVITE got a final failure (status and reason phrase); the session stays as it was (§14.1).</summary>
    public event Action<int, string>? ReofferRejected;

    /// <summary>Re-INVITEs of ours answered 491 (glare) and tried again.</summary>
    public int GlareRetries => _reInvite?.GlareRetries ?? 0;

    /// <summary>True while a re-INVITE of ours waits for its final response.</summary>
    private protected bool ReofferPending => _reInvite?.InFlight == true;

    /// <summary>Whether the dialog is confirmed and may carry a re-INVITE of ours (the initial INVITE is over).</summary>
    private protected abstract bool DialogConfirmed { get; }

    /// <summary>True when we chose the dialog's Call-ID (we sent the initial INVITE).</summary>
    private protected abstract bool OwnsCallId { get; }

    private SipReInviteClient ReInvite => _reInvite ??= new SipReInviteClient(Stack.Core, this, SipMethod.Allowed, OwnsCallId);

    SipDialog? ISipReInviteOwner.ReInviteDialog =>
        !IsEnded && DialogConfirmed && Dialog is { IsTerminated: false } dialog && Flow.IsOpen ? dialog : null;

    /// <summary>Asks for a re-INVITE: sent now if the dialog allows, else as soon as it does (<see cref="ReofferSource"/> decides what).</summary>
    public void RequestReoffer() => Stack.Execute(ReInvite.Request);

    /// <summary>Sends a wanted re-INVITE if nothing stands in the way any more (§14.1: no INVITE of either side in progress).</summary>
    private protected void TrySendReoffer() => _reInvite?.TrySend();

    string? ISipReInviteOwner.CreateOffer()
    {
        var offer = ReofferSource?.Invoke();
        if (offer is not null)
        {
            LocalSdp = offer;
        }

        return offer;
    }

    void ISipReInviteOwner.OnReInviteFinal(SipResponse response)
    {
        if (response.IsSuccess)
        {
            if (response.Body.Length == 0 || ReofferAnswered?.Invoke(response.BodyText) != true)
            {
                // An answer we cannot use: the session is as it was; say so as a failed re-offer.
                var code = response.Body.Length == 0 ? 488 : 606;
                Stack.Post(() => ReofferRejected?.Invoke(code, "Unusable answer"));
            }

            return;
        }

        if (response.StatusCode is 408 or 481)
        {
            // §12.2.1.2: the peer lost the dialog (or never answered): it is over.
            SendBye();
            Finish(new SipCallEnd(SipCallEndReason.DialogLost, $"{response.StatusCode} to our re-INVITE"));
            return;
        }

        var status = response.StatusCode;
        var phrase = response.ReasonPhrase;
        Stack.Post(() => ReofferRejected?.Invoke(status, phrase));
    }

    /// <summary>A retransmitted 2xx of our re-INVITE (its transaction is over): it gets the same ACK again (§13.2.2.4).</summary>
    private bool ReacknowledgeReoffer(SipDialog dialog, SipResponse response) => _reInvite?.Reacknowledge(dialog, response) == true;

    private void StopReoffer() => _reInvite?.Stop();
}
