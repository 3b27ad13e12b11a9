using PbxBridge.Media.Statistics;
using PbxBridge.WebRtc;

namespace PbxBridge.Calls.Media;

/// <summary>Reads a call's two media directions into the admin/metrics view (browser->PBX and PBX->browser).</summary>
public static class CallMediaCountersReader
{
    public static CallMediaCounters Read(MediaDirectionStatistics? toPbx, MediaDirectionStatistics? toBrowser, long pbxPacketsIgnored, WebRtcStatistics? browser = null) => new(
        toPbx?.PacketsReceived ?? 0,
        toPbx?.PacketsSent ?? 0,
        toBrowser?.PacketsReceived ?? 0,
        toBrowser?.PacketsSent ?? 0,
        toPbx?.PacketsLost ?? 0,
        toPbx?.PacketsLate ?? 0,
        toPbx?.FramesConcealed ?? 0,
        toPbx?.JitterMilliseconds ?? 0,
        pbxPacketsIgnored,
        CallMediaRejections.Read(browser, toPbx, toBrowser));
}
