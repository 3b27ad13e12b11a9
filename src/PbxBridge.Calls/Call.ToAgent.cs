using Microsoft.Extensions.Logging;
using PbxBridge.Calls.Media;
using PbxBridge.Calls.Pbx;
using PbxBridge.Sip;

namespace PbxBridge.Calls;

/// <summary>The PBX calls an agent: offer WebRTC to every registered browser of the agent, answer the PBX on the first 200.</summary>
public sealed partial class Call
{
    internal static Call ToAgentFromPbx(
        InboundPbxCall pbxCall, CallSignalling signalling, CallMediaServices mediaServices, ICallObserver observer, CallLimits limits, Func<SipCall, Call?> findCall, ILogger logger)
    {
        var call = new Call(signalling, mediaServices, observer, limits, findCall, logger, CallDirection.ToAgent, pbxCall.AgentId, pbxCall.CallerNumber)
        {
            inboundPbx = pbxCall,
            pbxLeg = pbxCall,
        };
        pbxCall.Attach(call);
        return call;
    }

    public async Task StartToAgentAsync(CancellationToken cancellationToken)
    {
        var pbxCall = inboundPbx!;
        using var scope = Scope();
        logger.LogInformation("PBX call {PbxId} from {Caller} for agent {Agent}", pbxCall.PbxId, pbxCall.CallerNumber, AgentId);
        if (!signalling.Agents.TryGetAgent(AgentId, out _))
        {
            await RejectPbxAsync(PbxCause.Unallocated, "no such agent");
            return;
        }

        if (!TryCreateBrowserLeg(out var endpoint, out var failure))
        {
            await RejectPbxAsync(PbxCause.Congestion, failure);
            return;
        }

        var offer = endpoint.CreateOffer();
        var invite = signalling.Sip.InviteAgent(AgentId, pbxCall.CallerNumber, pbxCall.CallerName, offer);
        if (invite is null)
        {
            // Not registered anywhere: say so at once (cause 20), not after a ring timeout.
            await RejectPbxAsync(PbxCause.SubscriberAbsent, "agent not registered");
            return;
        }

        lock (gate)
        {
            toAgent = invite;
        }

        invite.Ringing += () => _ = pbxCall.RingAsync(CancellationToken.None);
        invite.Answered += sdp => _ = OnAgentAnsweredAsync(sdp);
        invite.Rejected += (status, reason) => _ = OnAgentRejectedAsync(status, reason);
        invite.Ended += OnAgentSipEnded;
        invite.DtmfInfo += OnAgentInfoDtmf;
        invite.ReofferHandler = OnAgentReoffer;
        invite.ReferHandler = OnAgentRefer;
        AttachPbxHold(invite);
        State = CallState.Ringing;
    }

    private async Task OnAgentAnsweredAsync(string sdp)
    {
        using var scope = Scope();
        var endpoint = Media.Browser!;
        var result = endpoint.AcceptAnswer(sdp);
        if (result.Succeeded)
        {
            // The receive loop starts once the browser's answer is in: its ICE checks that came earlier wait in
            // the socket's buffer, and Chrome retransmits them anyway.
            endpoint.Start();
        }
        else
        {
            logger.LogWarning("the agent's answer is unusable: {Reason}", result.FailureReason);
            toAgent?.Hangup();
            await RejectPbxAsync(new PbxCause(58, "BEARERCAPABILITY_NOTAVAIL"), result.FailureReason ?? "answer refused");
            return;
        }

        if (!Media.TryOpenPbxSide(out var mediaOffer))
        {
            toAgent?.Hangup();
            await RejectPbxAsync(PbxCause.Congestion, "no UDP port free in Media:PbxPortStart-End");
            return;
        }

        lock (gate)
        {
            if (State == CallState.Ended)
            {
                return;
            }

            MarkAnswered();
        }

        try
        {
            await inboundPbx!.AnswerAsync(mediaOffer, CancellationToken.None);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogError(e, "answering the PBX leg failed");
            toAgent?.Hangup();
            Finish("failed", PbxCause.NormalTemporaryFailure);
        }
    }

    private async Task OnAgentRejectedAsync(int status, string reason)
    {
        using var scope = Scope();
        var cause = SipCauseMapping.FromSipStatus(status);
        logger.LogInformation("agent rejected with {Status} {Reason}", status, reason);
        await RejectPbxAsync(cause, $"{status} {reason}");
    }

    private async Task RejectPbxAsync(PbxCause cause, string why)
    {
        logger.LogInformation("refusing PBX call: {Cause} ({Why})", cause, why);
        Finish("rejected", cause);
        try
        {
            await inboundPbx!.RejectAsync(cause, CancellationToken.None);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning(e, "PBX reject failed");
        }
    }
}
