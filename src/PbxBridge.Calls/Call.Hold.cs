using Microsoft.Extensions.Logging;
using PbxBridge.Calls.Pbx;
using PbxBridge.Sip;

namespace PbxBridge.Calls;

/// <summary>
/// The agent's re-INVITEs (hold, resume, ICE restart), on calls the agent placed and calls it received alike: the
/// browser leg answers them, and a change of the browser's hold state is relayed to the PBX leg, so the far party
/// hears the PBX's music on hold.
/// </summary>
public sealed partial class Call
{
    // Hold and resume requests to the PBX, one after the other: a quick hold-resume must reach the PBX in that order.
    private Task pbxHoldRelay = Task.CompletedTask;

    private SipReofferResult OnAgentReoffer(string offer)
    {
        var endpoint = Media.Browser;
        if (endpoint is null)
        {
            return SipReofferResult.Fail(500, "Server Internal Error");
        }

        var result = endpoint.AcceptReoffer(offer);
        if (!result.Succeeded)
        {
            return SipReofferResult.Fail(488, "Not Acceptable Here");
        }

        // The browser's own direction decides (sendonly or inactive: hold; sendrecv or recvonly: resume), not the
        // recvonly we answer a hold with.
        var held = endpoint.Audio.HeldByBrowser;
        IPbxLeg? leg;
        bool changed;
        SipCall? resumed;
        lock (gate)
        {
            changed = heldByAgent != held;
            leg = changed ? pbxLeg : null;
            heldByAgent = held;
            answerSdp = result.Sdp;
            if (leg is not null)
            {
                pbxHoldRelay = RelayHoldAsync(pbxHoldRelay, leg, held);
            }

            // The agent resumes: the browser's view of the PBX's hold may be stale, since nothing is offered to a
            // browser that holds (CreatePbxHoldOffer). If the PBX held meanwhile, our answer mirrored the browser's
            // sendrecv and it would show a live call with nobody there; if the PBX resumed meanwhile, a browser that
            // still believes in the remote hold resumes with recvonly and would never send. Either way the PBX's hold
            // as it is now is offered once this transaction is over (the offer source finds nothing when it matches).
            resumed = changed && !held ? (SipCall?)fromAgent ?? toAgent : null;
        }

        if (resumed is not null)
        {
            // Off this handler (the SIP stack's lock): the re-INVITE goes once our 200 to the browser's is out.
            _ = Task.Run(resumed.RequestReoffer);
        }

        if (changed)
        {
            signalling.AgentStates?.OnAgentChanged(AgentId);
        }

        if (leg is not null)
        {
            using var scope = Scope();
            logger.LogInformation("agent {Action} the call", held ? "held" : "resumed");
        }

        return SipReofferResult.Answer(result.Sdp);
    }

    private async Task RelayHoldAsync(Task previous, IPbxLeg leg, bool held)
    {
        await previous;
        try
        {
            // Off the SIP stack's lock, which runs this handler: the PBX request is a network round trip.
            await Task.Yield();
            await (held ? leg.HoldAsync(CancellationToken.None) : leg.UnholdAsync(CancellationToken.None));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            using var scope = Scope();
            logger.LogWarning("{Action} toward the PBX failed: {Error}", held ? "hold" : "resume", e.Message);
        }
    }
}
