using System.Collections.Concurrent;
using System.Net;
using PbxBridge.Calls.Pbx;

namespace PbxBridge.Asterisk.Tests.Support;

/// <summary>Records what an adapter reports about a leg, with awaitable milestones.</summary>
internal sealed class RecordingObserver : IPbxLegObserver
{
    public TaskCompletionSource Ringing { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TaskCompletionSource<(IPEndPoint Remote, PbxCodec Codec)> MediaReady { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TaskCompletionSource Answered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TaskCompletionSource<PbxCause> Hangup { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ConcurrentQueue<char> Digits { get; } = new();

    public int HangupCount;

    public void OnRinging() => Ringing.TrySetResult();

    public void OnMediaReady(PbxMediaAnswer media) => MediaReady.TrySetResult((media.RemoteRtp, media.Codec));

    public void OnAnswered() => Answered.TrySetResult();

    public void OnDtmf(char digit, TimeSpan duration) => Digits.Enqueue(digit);

    public void OnHangup(PbxCause cause)
    {
        Interlocked.Increment(ref HangupCount);
        Hangup.TrySetResult(cause);
    }
}
