namespace PbxBridge.Calls.Pbx;

/// <summary>
/// What a PBX adapter reports about one leg. Calls may arrive on any thread; each is raised at most once
/// except <see cref="OnDtmf"/> and <see cref="OnPbxHold"/>. Implementations must not block.
/// </summary>
public interface IPbxLegObserver
{
    /// <summary>The far end is ringing (SIP 180 toward the browser).</summary>
    void OnRinging();

    /// <summary>
    /// The PBX's RTP address for this leg is known (<see cref="PbxMediaAnswer"/>). RTP may flow from now on, before
    /// answer (early media, SIP 183).
    /// </summary>
    void OnMediaReady(PbxMediaAnswer media);

    /// <summary>The far end answered (SIP 200 toward the browser).</summary>
    void OnAnswered();

    /// <summary>A digit the PBX reported on this leg (ARI ChannelDtmfReceived, ESL DTMF event).</summary>
    void OnDtmf(char digit, TimeSpan duration);

    /// <summary>
    /// The PBX put this leg on hold (<paramref name="held"/> true: its re-offer was sendonly or inactive, RFC 3264
    /// §8.4) or took it off hold (false); raised on each change, never after <see cref="OnHangup"/>. FreeSWITCH does
    /// this when the far end of a bridge holds. Ignored unless an observer carries it on (the PBX plays its own hold
    /// music into the leg meanwhile).
    /// </summary>
    void OnPbxHold(bool held)
    {
    }

    /// <summary>The leg ended on the PBX side, or the call could not be set up. Raised exactly once.</summary>
    void OnHangup(PbxCause cause);
}
