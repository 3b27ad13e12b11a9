using PbxBridge.Net;

namespace PbxBridge.Calls.Media;

/// <summary>What the media loops did since start, summed over loops (see <see cref="PbxBridge.WebRtc.Transport.MediaEventLoop"/>).</summary>
public readonly record struct MediaLoopActivity(long WakeUps, long DatagramEvents, long Ticks, long LateTicks, long SkippedTicks);
