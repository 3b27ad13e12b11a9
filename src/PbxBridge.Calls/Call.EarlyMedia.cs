using Microsoft.Extensions.Logging;
using PbxBridge.Calls.Pbx;

namespace PbxBridge.Calls;

/// <summary>
/// Early media on calls the agent places: the PBX plays something before answering (ringback, an announcement), so
/// the browser gets 183 Session Progress carrying our SDP answer and hears it; the 200 OK later carries the very same
/// SDP, so neither JsSIP (which applies the 183's SDP) nor SIP.js (which, unless told earlyMedia, waits for the 200's)
/// renegotiates. A 180 that comes after the 183 is not sent: it would carry no SDP and tells the browser nothing new.
/// </summary>
public sealed partial class Call : IPbxEarlyMediaObserver
{
    private bool earlyMedia;

    void IPbxEarlyMediaObserver.OnEarlyMedia()
    {
        string? sdp;
        lock (gate)
        {
            if (Direction != CallDirection.FromAgent || State is CallState.Answered or CallState.Ended || earlyMedia || answerSdp is null)
            {
                return;
            }

            earlyMedia = true;
            State = CallState.Ringing;
            sdp = answerSdp;
        }

        using var scope = Scope();
        logger.LogInformation("PBX has early media for {Destination}: 183 with SDP to the agent", RemoteParty);
        fromAgent?.SendSessionProgress(sdp);
    }
}
