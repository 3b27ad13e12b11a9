using Microsoft.Extensions.Logging;
using PbxBridge.Calls.Media;
using PbxBridge.Calls.Pbx;
using PbxBridge.Sip;
using PbxBridge.Sip.Message;
using PbxBridge.WebRtc;

namespace PbxBridge.Calls;

/// <summary>The agent dials: browser INVITE -> WebRTC answer prepared -> PBX leg placed -> 180 / 200 as the PBX reports.</summary>
public sealed partial class Call
{
    internal static Call FromAgentInvite(
        SipIncomingCall sip, CallSignalling signalling, CallMediaServices mediaServices, ICallObserver observer, CallLimits limits, Func<SipCall, Call?> findCall, ILogger logger) =>
        new(signalling, mediaServices, observer, limits, findCall, logger, CallDirection.FromAgent, sip.AgentId, sip.Destination) { fromAgent = sip };

    /// <summary>Runs the setup; failures answer the browser with a SIP error and release everything.</summary>
    public async Task StartFromAgentAsync(CancellationToken cancellationToken)
    {
        var sip = fromAgent!;
        using var scope = Scope();
        logger.LogInformation("agent {Agent} dials {Destination} (SIP Call-ID {SipCallId})", AgentId, RemoteParty, sip.CallId);
        sip.Ended += OnAgentSipEnded;
        sip.DtmfInfo += OnAgentInfoDtmf;
        sip.ReofferHandler = OnAgentReoffer;
        sip.ReferHandler = OnAgentRefer;
        AttachPbxHold(sip);

        if (!TryCreateBrowserLeg(out var endpoint, out var failure))
        {
            RejectAgent(503, LimitReasonPhrases.NoMediaPorts, failure, limits.RetryAfter);
            return;
        }

        var negotiation = endpoint.AcceptOffer(sip.OfferSdp);
        if (!negotiation.Succeeded)
        {
            observer.OnMediaFailure("sdp", negotiation.FailureReason ?? "offer refused");
            RejectAgent(488, "Not Acceptable Here", negotiation.FailureReason ?? "offer refused");
            return;
        }

        answerSdp = negotiation.Sdp;
        endpoint.Start();
        if (!Media.TryOpenPbxSide(out var mediaOffer))
        {
            RejectAgent(503, LimitReasonPhrases.NoMediaPorts, "no UDP port free in Media:PbxPortStart-End", limits.RetryAfter);
            return;
        }

        try
        {
            var leg = await signalling.Pbx.PlaceCallAsync(
                new OutboundCallRequest(Id, AgentId, signalling.DisplayNameOf(AgentId), RemoteParty, mediaOffer, this),
                cancellationToken);
            bool agentGone;
            lock (gate)
            {
                pbxLeg = leg;
                agentGone = State == CallState.Ended;
            }

            if (agentGone)
            {
                // The agent cancelled while the PBX was still setting up: take the PBX leg down too.
                await leg.HangupAsync(PbxCause.OriginatorCancel, CancellationToken.None);
            }
        }
        catch (PbxCallFailedException e)
        {
            logger.LogInformation("PBX refused the call to {Destination}: {Cause} ({Message})", RemoteParty, e.Cause, e.Message);
            OnHangup(e.Cause);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogError(e, "placing the PBX leg failed");
            OnHangup(PbxCause.NormalTemporaryFailure);
        }
    }

    private bool TryCreateBrowserLeg(out WebRtcEndpoint endpoint, out string failure)
    {
        try
        {
            endpoint = mediaServices.BrowserLegs.Open(Media.Loop, Media, mediaLogger);
            Media.Browser = endpoint;
            failure = "";
            return true;
        }
        catch (InvalidOperationException e)
        {
            // Port exhaustion and the like: this call fails, the others keep working.
            observer.OnMediaFailure("udp_ports", e.Message);
            endpoint = null!;
            failure = e.Message;
            return false;
        }
    }

    private void RejectAgent(int status, string reasonPhrase, string why, TimeSpan? retryAfter = null)
    {
        logger.LogWarning("call refused to agent with {Status} {Reason}: {Why}", status, reasonPhrase, why);

        // Ended before the answer goes out: the agent's next INVITE may follow the 503 at once, and this call must not
        // count toward Limits:MaxCalls any more by then (it did, once: 503 Too Many Calls with 2 of 3 in use).
        Finish("failed", new PbxCause(41, why));
        fromAgent?.Reject(status, reasonPhrase, retryAfter: retryAfter);
    }

    private void OnAgentSipEnded(SipCallEnd end)
    {
        IPbxLeg? leg;
        var wasAnswered = false;
        lock (gate)
        {
            if (State == CallState.Ended)
            {
                return;
            }

            wasAnswered = State == CallState.Answered;
            leg = pbxLeg;
        }

        using var scope = Scope();
        logger.LogInformation("agent side ended: {End}", end);
        var cause = wasAnswered ? PbxCause.NormalClearing : PbxCause.OriginatorCancel;
        Finish(wasAnswered ? "answered" : "cancelled", cause);
        if (leg is not null)
        {
            _ = HangupPbxQuietlyAsync(leg, cause);
        }
    }

    private void OnAgentInfoDtmf(char digit, TimeSpan duration) => SendDtmfToPbx(digit, duration);
}
