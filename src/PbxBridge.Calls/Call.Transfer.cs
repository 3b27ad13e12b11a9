using Microsoft.Extensions.Logging;
using PbxBridge.Calls.Pbx;
using PbxBridge.Sip;
using PbxBridge.Sip.Refer;

namespace PbxBridge.Calls;

/// <summary>
/// The agent's REFER (RFC 3515): blind, the PBX calls the Refer-To's number and connects the far party once it
/// answers; attended (RFC 3891 Replaces naming the agent's consultation call), the PBX joins this call's far party
/// with the consultation's. The outcome goes back to the agent as NOTIFY sipfrag: 200 and the agent's leg ends (its
/// softphone sends BYE; we do after a grace if it does not), or the target's failure with the call left as it was.
/// While a transfer runs, the PBX leg's end is held back: a failed attempt still acts on it, a successful one
/// expected it.
/// </summary>
public sealed partial class Call
{
    /// <summary>How long a transferor's softphone may take to send its BYE after the 200 NOTIFY before we send ours.</summary>
    internal static TimeSpan TransferorByeGrace { get; set; } = TimeSpan.FromSeconds(5);

    private bool transferring;
    private PbxCause? hangupDuringTransfer;

    private SipCall? AgentSip => (SipCall?)fromAgent ?? toAgent;

    /// <summary>Whether <paramref name="sip"/> is this call's browser leg.</summary>
    public bool HasAgentLeg(SipCall sip) => ReferenceEquals(fromAgent, sip) || ReferenceEquals(toAgent, sip);

    private void OnAgentRefer(SipReferral referral) => _ = TransferAsync(referral);

    private async Task TransferAsync(SipReferral referral)
    {
        using var scope = Scope();
        var leg = BeginTransfer();
        if (leg is null)
        {
            logger.LogInformation("{Referral} refused: the call is not answered or already transferring", referral);
            referral.Complete(480, "Temporarily Unavailable");
            return;
        }

        Call? consultation = null;
        IPbxLeg? consultationLeg = null;
        var destination = referral.ReferTo.User;
        if (referral.IsAttended)
        {
            consultation = referral.ReplacedCall is { } replaced ? findCall(replaced) : null;
            consultationLeg = consultation is null || ReferenceEquals(consultation, this) ? null : consultation.BeginTransfer();
            if (consultationLeg is null)
            {
                logger.LogInformation("{Referral} refused: the Replaces names no answered call of agent {Agent}", referral, AgentId);
                referral.Complete(481, "Call/Transaction Does Not Exist");
                EndTransferAttempt();
                return;
            }
        }
        else if (string.IsNullOrEmpty(destination))
        {
            referral.Complete(404, "Not Found");
            EndTransferAttempt();
            return;
        }

        logger.LogInformation("agent transfers the far party {How}", consultation is null ? "to " + destination : "to the far party of call " + consultation.Id);
        try
        {
            if (consultationLeg is null)
            {
                await leg.TransferAsync(destination!, CancellationToken.None);
            }
            else
            {
                await leg.JoinAsync(consultationLeg, CancellationToken.None);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            var (status, reason) = e is PbxCallFailedException failed ? SipCauseMapping.ToSipResponse(failed.Cause) : (503, "Service Unavailable");
            logger.LogInformation("transfer failed, the call stays: {Status} {Reason} ({Error})", status, reason, e.Message);
            referral.Complete(status, reason);
            EndTransferAttempt();
            consultation?.EndTransferAttempt();
            return;
        }

        logger.LogInformation("transfer complete: the far party is connected, the agent's leg ends");
        referral.Complete(200, "OK");
        FinishTransferred(byeAgentNow: false);

        // The consultation dialog is the one the Replaces named: it ends as the replaced dialog of RFC 3891 does, by BYE.
        consultation?.FinishTransferred(byeAgentNow: true);
    }

    /// <summary>The PBX leg to transfer, and from now on its end is held back; null when the call cannot transfer now.</summary>
    private IPbxLeg? BeginTransfer()
    {
        lock (gate)
        {
            if (State != CallState.Answered || pbxLeg is null || transferring || pbxHungUp)
            {
                return null;
            }

            transferring = true;
            return pbxLeg;
        }
    }

    /// <summary>The attempt failed: the call goes on, and a PBX hangup that came meanwhile now takes effect.</summary>
    private void EndTransferAttempt()
    {
        PbxCause? deferred;
        lock (gate)
        {
            transferring = false;
            deferred = hangupDuringTransfer;
            hangupDuringTransfer = null;
        }

        if (deferred is { } cause)
        {
            OnHangup(cause);
        }
    }

    /// <summary>Returns true (and keeps the cause) when a transfer runs, so <see cref="OnHangup"/> leaves the call alone.</summary>
    private bool DeferHangupDuringTransfer(PbxCause cause)
    {
        lock (gate)
        {
            if (!transferring || State == CallState.Ended)
            {
                return false;
            }

            hangupDuringTransfer ??= cause;
            return true;
        }
    }

    /// <summary>The far party is someone else's now: release our side of the PBX leg and the media, end the agent's leg.</summary>
    private void FinishTransferred(bool byeAgentNow)
    {
        IPbxLeg? leg;
        lock (gate)
        {
            leg = pbxLeg;
            transferring = false;
            hangupDuringTransfer = null;
        }

        Finish("transferred", PbxCause.NormalClearing, "transferred");
        if (leg is not null)
        {
            _ = HangupPbxQuietlyAsync(leg, PbxCause.NormalClearing);
        }

        var sip = AgentSip;
        if (byeAgentNow)
        {
            sip?.Hangup();
        }
        else if (sip is not null)
        {
            _ = ByeAfterGraceAsync(sip);
        }
    }

    private static async Task ByeAfterGraceAsync(SipCall sip)
    {
        await Task.Delay(TransferorByeGrace);
        if (!sip.IsEnded)
        {
            sip.Hangup();
        }
    }
}
