using System.Collections.Concurrent;

namespace PbxBridge.WebRtc.Tests.Transport;

/// <summary>What the tests read back from an observer.</summary>
internal interface IRecordingObserver
{
    ConcurrentQueue<byte[]> Rtp { get; }
}

/// <summary>Captures what an endpoint reports, with tasks to await the moments that matter.</summary>
internal class RecordingObserver : IWebRtcEndpointObserver, IRecordingObserver
{
    public TaskCompletionSource Connected { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TaskCompletionSource<string> Closed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ConcurrentQueue<byte[]> Rtp { get; } = new();

    public virtual void OnConnected() => Connected.TrySetResult();

    public void OnRtp(ReadOnlySpan<byte> rtpPacket, long arrivalTimestamp) => Rtp.Enqueue(rtpPacket.ToArray());

    public void OnClosed(string reason) => Closed.TrySetResult(reason);
}

/// <summary>An observer with a bug: it throws from OnConnected.</summary>
internal sealed class ThrowingOnConnectObserver : RecordingObserver
{
    public override void OnConnected()
    {
        base.OnConnected();
        throw new NotSupportedException("observer bug");
    }
}
