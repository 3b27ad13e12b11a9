using System.Security.Cryptography;
using PbxBridge.Sip.Message;
using PbxBridge.Sip.Transactions;

namespace PbxBridge.Sip.Dialogs;

/// <summary>
/// Our own re-INVITEs in one dialog (RFC 3261 §14.1), for both legs: the browser's (the PBX holding the agent) and the
/// FreeSWITCH leg's (our hold as a=sendonly). One at a time: a re-INVITE asked for while one is under way goes once that
/// one is over, with the offer as the owner sees it then. A 2xx is ACKed end to end (§13.2.2.4) and its
/// retransmissions get that ACK again; 491 (glare) is retried after the §14.1 timer, 2.1-4 s when we chose the Call-ID
/// and 0-2 s when the peer did, so the two sides do not collide again. Call every method inside the core's section.
/// </summary>
internal sealed class SipReInviteClient
{
    private readonly SipCore _core;
    private readonly ISipReInviteOwner _owner;
    private readonly string _allow;
    private readonly bool _ownsCallId;
    private bool _wanted;
    private SipDialog? _inFlight;
    private uint _cseq;
    private SipRequest? _ack;
    private SipTimer? _glareTimer;

    /// <param name="allow">Our Allow header value.</param>
    /// <param name="ownsCallId">True when we sent the initial INVITE (we chose the Call-ID): §14.1's longer wait is ours.</param>
    public SipReInviteClient(SipCore core, ISipReInviteOwner owner, string allow, bool ownsCallId)
    {
        _core = core;
        _owner = owner;
        _allow = allow;
        _ownsCallId = ownsCallId;
    }

    /// <summary>True while a re-INVITE of ours waits for its final response (a peer's offer meanwhile is glare, §14.2).</summary>
    public bool InFlight => _inFlight is not null;

    /// <summary>Re-INVITEs answered 491 (glare) and tried again.</summary>
    public int GlareRetries { get; private set; }

    /// <summary>Asks for a re-INVITE: sent now if nothing stands in the way, else as soon as <see cref="TrySend"/> finds
    /// the way clear.</summary>
    public void Request()
    {
        _wanted = true;
        TrySend();
    }

    /// <summary>Sends the wanted re-INVITE if none of ours is under way or waiting out glare and the owner has a
    /// confirmed dialog for it (call again when that changes, e.g. once the initial INVITE's ACK went).</summary>
    public void TrySend()
    {
        if (!_wanted || _inFlight is not null || _glareTimer is not null || _owner.ReInviteDialog is not { IsTerminated: false } dialog)
        {
            return;
        }

        _wanted = false;
        if (_owner.CreateOffer() is not { } offer)
        {
            return;
        }

        var invite = dialog.CreateRequest(SipMethod.Invite);
        invite.Headers.Add(SipHeaderNames.Allow, _allow);
        invite.Headers.Add(SipHeaderNames.ContentType, "application/sdp");
        invite.BodyText = offer;
        _cseq = dialog.LocalCSeq;
        _ack = null;
        _inFlight = dialog;
        _core.SendRequest(dialog.Flow, invite, OnResponse);
    }

    /// <summary>A retransmitted 2xx of our last re-INVITE (its transaction is over) gets the same ACK again
    /// (§13.2.2.4); false when <paramref name="response"/> is not one.</summary>
    public bool Reacknowledge(SipDialog dialog, SipResponse response)
    {
        if (_ack is null || response.CSeq?.Number != _cseq)
        {
            return false;
        }

        _core.Send(dialog.Flow, _ack);
        return true;
    }

    /// <summary>The session is over: no retry, nothing more is sent.</summary>
    public void Stop()
    {
        _glareTimer?.Stop();
        _glareTimer = null;
        _wanted = false;
    }

    private void OnResponse(SipResponse response)
    {
        if (response.IsProvisional || _inFlight is not { } dialog)
        {
            return;
        }

        _inFlight = null;
        if (dialog.IsTerminated)
        {
            return;
        }

        if (response.IsSuccess)
        {
            // §13.2.2.4: the ACK of a 2xx is ours, sent end to end; kept for the 2xx retransmissions.
            _ack = dialog.CreateAck(_cseq);
            _core.Send(dialog.Flow, _ack);
        }
        else if (response.StatusCode == 491)
        {
            // §14.1: glare. The side that chose the Call-ID waits longer, so the two retries do not collide again.
            GlareRetries++;
            _wanted = true;
            var wait = _ownsCallId ? RandomTenMilliseconds(2100, 4000) : RandomTenMilliseconds(0, 2000);
            _glareTimer = _core.Timers.Start("Re-INVITE glare (§14.1)", wait, () =>
            {
                _glareTimer = null;
                TrySend();
            });
            return;
        }

        _owner.OnReInviteFinal(response);
        TrySend();
    }

    private static TimeSpan RandomTenMilliseconds(int fromMs, int toMs) =>
        TimeSpan.FromMilliseconds(RandomNumberGenerator.GetInt32(fromMs / 10, (toMs / 10) + 1) * 10);
}
