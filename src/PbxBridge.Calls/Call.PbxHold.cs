using Microsoft.Extensions.Logging;
using PbxBridge.Calls.Pbx;
using PbxBridge.Sip;
using PbxBridge.Sip.Sdp;
using PbxBridge.WebRtc;

namespace PbxBridge.Calls;

/// <summary>
/// The PBX's hold carried to the browser, as res_pjsip or sofia would carry a far end's hold to a SIP phone: an
/// in-dialog re-INVITE of ours offering a=sendonly (the PBX's music on hold still flows to the agent), and sendrecv
/// again on unhold. The browser (JsSIP, SIP.js) answers and shows the remote hold. A PBX hold that only echoes the
/// agent's own (FreeSWITCH re-INVITEs a leg it was asked to hold) is not offered back: the agent holds already.
/// </summary>
public sealed partial class Call
{
    private bool heldByPbx;

    /// <summary>The PBX holds the agent's call (its last report; the browser is told with a re-INVITE).</summary>
    public bool HeldByPbx
    {
        get
        {
            lock (gate)
            {
                return heldByPbx;
            }
        }
    }

    void IPbxLegObserver.OnPbxHold(bool held)
    {
        SipCall? sip;
        lock (gate)
        {
            if (heldByPbx == held || State == CallState.Ended)
            {
                return;
            }

            heldByPbx = held;
            sip = (SipCall?)fromAgent ?? toAgent;
        }

        using (Scope())
        {
            logger.LogInformation("PBX {Action} the call", held ? "holds" : "resumes");
        }

        // The SIP leg asks back for the offer once no INVITE is in progress either way (RFC 3261 §14.1).
        sip?.RequestReoffer();
    }

    /// <summary>Wires the browser leg for re-INVITEs of ours.</summary>
    private void AttachPbxHold(SipCall sip)
    {
        sip.ReofferSource = CreatePbxHoldOffer;
        sip.ReofferAnswered = OnPbxHoldAnswered;
        sip.ReofferRejected += OnPbxHoldRejected;
    }

    /// <summary>The offer that shows the browser the PBX's hold as it is now; null when the browser already has it.</summary>
    private string? CreatePbxHoldOffer()
    {
        var endpoint = Media.Browser;
        bool held;
        lock (gate)
        {
            held = heldByPbx;
            if (endpoint is null || State != CallState.Answered || heldByAgent)
            {
                return null;
            }
        }

        var wanted = held ? MediaDirection.SendOnly : MediaDirection.SendRecv;
        return endpoint.Audio.Direction == wanted ? null : endpoint.CreateReoffer(wanted);
    }

    private bool OnPbxHoldAnswered(string answer)
    {
        var result = Media.Browser?.AcceptReofferAnswer(answer);
        using var scope = Scope();
        if (result is not { Succeeded: true })
        {
            logger.LogWarning("the browser's answer to our hold re-INVITE cannot be used: {Reason}", result?.FailureReason ?? "no browser leg");
            return false;
        }

        logger.LogInformation("browser shows the PBX's {Action}", Media.Browser!.Audio.Direction == MediaDirection.SendRecv ? "resume" : "hold");
        return true;
    }

    private void OnPbxHoldRejected(int status, string reason)
    {
        using var scope = Scope();
        logger.LogWarning("the browser refused our hold re-INVITE with {Status} {Reason}; the call goes on as it was", status, reason);
    }
}
