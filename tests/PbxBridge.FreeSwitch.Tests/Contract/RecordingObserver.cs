using System.Collections.Concurrent;
using System.Net;
using System.Threading.Channels;
using PbxBridge.Calls.Pbx;

namespace PbxBridge.FreeSwitch.Tests.Contract;

/// <summary>Stands in for the Calls room: records what the adapter reports, and starts the media when told where.</summary>
internal sealed class RecordingObserver : IPbxLegObserver
{
    private readonly Action<IPEndPoint>? _onMedia;

    public RecordingObserver(Action<IPEndPoint>? onMedia = null) => _onMedia = onMedia;

    public TaskCompletionSource Ringing { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TaskCompletionSource<IPEndPoint> MediaReady { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TaskCompletionSource Answered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TaskCompletionSource<PbxCause> HungUp { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ConcurrentQueue<(char Digit, TimeSpan Duration)> Digits { get; } = new();

    public int HangupCount;

    public void OnRinging() => Ringing.TrySetResult();

    /// <summary>The telephone-event payload type of the last media answer (null: none negotiated).</summary>
    public int? TelephoneEventPayloadType { get; private set; }

    public void OnMediaReady(PbxMediaAnswer media)
    {
        Assert.Equal(PbxCodec.Pcmu, media.Codec);
        TelephoneEventPayloadType = media.TelephoneEventPayloadType;
        _onMedia?.Invoke(media.RemoteRtp);
        MediaReady.TrySetResult(media.RemoteRtp);
    }

    public void OnAnswered() => Answered.TrySetResult();

    public void OnDtmf(char digit, TimeSpan duration) => Digits.Enqueue((digit, duration));

    /// <summary>Every change of the PBX's hold, in order.</summary>
    public Channel<bool> Holds { get; } = Channel.CreateUnbounded<bool>();

    public void OnPbxHold(bool held) => Holds.Writer.TryWrite(held);

    public void OnHangup(PbxCause cause)
    {
        Interlocked.Increment(ref HangupCount);
        HungUp.TrySetResult(cause);
    }
}
