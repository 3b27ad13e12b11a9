using System.Collections.Concurrent;

namespace PbxBridge.WebRtc.Tests.Transport;

/// <summary>Captures what an endpoint reports, with tasks to await the moments that matter.</summary>
internal sealed class RecordingObserver : IWebRtcEndpointObserver
{
    public TaskCompletionSource Connected { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TaskCompletionSource<string> Closed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ConcurrentQueue<byte[]> Rtp { get; } = new();

    public void OnConnected() => Connected.TrySetResult();

    public void OnRtp(ReadOnlySpan<byte> rtpPacket) => Rtp.Enqueue(rtpPacket.ToArray());

    public void OnClosed(string reason) => Closed.TrySetResult(reason);
}
