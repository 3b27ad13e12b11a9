namespace PbxBridge.Calls.Pbx;

/// <summary>
/// A leg observer that carries the PBX's audio before answer. Adapters raise <see cref="OnEarlyMedia"/> at most once,
/// after <see cref="IPbxLegObserver.OnMediaReady"/>, when the PBX says its RTP before answer is meant to be heard
/// (FreeSWITCH: 183 Session Progress with SDP on the pbxbridge leg, as pre_answer sends it; demo: 605). Without it the
/// browser gets 180 Ringing and no audio until 200 OK.
/// </summary>
public interface IPbxEarlyMediaObserver
{
    void OnEarlyMedia();
}
