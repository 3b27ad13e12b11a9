using System.Security.Cryptography;
using PbxBridge.Sip.Message;
using PbxBridge.Sip.Transactions;

namespace PbxBridge.Sip;

/// <summary>
/// Our own re-INVITE in an established dialog (RFC 3261 §14.1), e.g. the PBX putting the agent on hold: we are the
/// UAC, the browser answers. The call above says what to offer when asked (<see cref="ReofferSource"/>), so a change
/// that comes while a re-INVITE is under way is offered once that one is over, with the state as it is then. One
/// INVITE at a time in either direction: the browser's offer while ours is pending gets 491 (§14.2), and ours that got
/// 491 is tried again after the §14.1 timer (2.1-4 s when we chose the Call-ID, 0-2 s when the browser did).
/// </summary>
public abstract partial class SipCall
{
    private bool _reofferWanted;
    private bool _reofferInFlight;
    private uint _reofferCSeq;
    private SipRequest? _reofferAck;
    private SipTimer? _glareTimer;

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
    public int GlareRetries { get; private set; }

    /// <summary>True while a re-INVITE of ours waits for its final response.</summary>
    private protected bool ReofferPending => _reofferInFlight;

    /// <summary>Whether the dialog is confirmed and may carry a re-INVITE of ours (the initial INVITE is over).</summary>
    private protected abstract bool DialogConfirmed { get; }

    /// <summary>Asks for a re-INVITE: sent now if the dialog allows, else as soon as it does (<see cref="ReofferSource"/> decides what).</summary>
    public void RequestReoffer() => Stack.Execute(() =>
    {
        _reofferWanted = true;
        TrySendReoffer();
    });

    /// <summary>Sends the wanted re-INVITE if nothing stands in the way (§14.1: no INVITE of either side in progress).</summary>
    private protected void TrySendReoffer()
    {
        if (!_reofferWanted || _reofferInFlight || _glareTimer is not null || IsEnded || !DialogConfirmed
            || Dialog is not { IsTerminated: false } dialog || !Flow.IsOpen)
        {
            return;
        }

        _reofferWanted = false;
        if (ReofferSource?.Invoke() is not { } offer)
        {
            return;
        }

        var invite = dialog.CreateRequest(SipMethod.Invite);
        invite.Headers.Add(SipHeaderNames.Allow, SipMethod.Allowed);
        invite.Headers.Add(SipHeaderNames.ContentType, "application/sdp");
        invite.BodyText = offer;
        LocalSdp = offer;
        _reofferCSeq = dialog.LocalCSeq;
        _reofferAck = null;
        _reofferInFlight = true;
        Stack.SendRequest(Flow, invite, OnReofferResponse);
    }

    private void OnReofferResponse(SipResponse response)
    {
        if (response.IsProvisional)
        {
            return;
        }

        _reofferInFlight = false;
        if (IsEnded || Dialog is not { } dialog)
        {
            return;
        }

        if (response.IsSuccess)
        {
            // §13.2.2.4: the ACK for a 2xx is ours, sent end to end; kept for the 2xx retransmissions.
            _reofferAck = dialog.CreateAck(_reofferCSeq);
            Stack.Send(Flow, _reofferAck);
            if (response.Body.Length == 0 || ReofferAnswered?.Invoke(response.BodyText) != true)
            {
                // An answer we cannot use: the session is as it was; say so as a failed re-offer.
                var code = response.Body.Length == 0 ? 488 : 606;
                Stack.Post(() => ReofferRejected?.Invoke(code, "Unusable answer"));
            }

            TrySendReoffer();
            return;
        }

        if (response.StatusCode == 491)
        {
            // §14.1: glare. The side that chose the Call-ID waits longer, so the two retries do not collide again.
            GlareRetries++;
            _reofferWanted = true;
            var wait = OwnsCallId ? RandomTenMilliseconds(2100, 4000) : RandomTenMilliseconds(0, 2000);
            _glareTimer = Stack.Core.Timers.Start("Reoffer-Glare", wait, () =>
            {
                _glareTimer = null;
                TrySendReoffer();
            });
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
        TrySendReoffer();
    }

    /// <summary>A retransmitted 2xx of our re-INVITE (its transaction is over): it gets the same ACK again (§13.2.2.4).</summary>
    private bool ReacknowledgeReoffer(SipResponse response)
    {
        if (_reofferAck is null || response.CSeq?.Number != _reofferCSeq)
        {
            return false;
        }

        Stack.Send(Flow, _reofferAck);
        return true;
    }

    /// <summary>True when we chose the dialog's Call-ID (we sent the initial INVITE).</summary>
    private protected abstract bool OwnsCallId { get; }

    private static TimeSpan RandomTenMilliseconds(int fromMs, int toMs) =>
        TimeSpan.FromMilliseconds(RandomNumberGenerator.GetInt32(fromMs / 10, (toMs / 10) + 1) * 10);

    private void StopReoffer()
    {
        _glareTimer?.Stop();
        _glareTimer = null;
        _reofferWanted = false;
    }
}
