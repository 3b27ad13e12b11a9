using System.Collections.Concurrent;
using System.Net;
using System.Threading.Channels;
using PbxBridge.Calls.Pbx;

namespace PbxBridge.Pbx.Contract;

/// <summary>Stands in for the Calls room on one leg: records what the adapter reports, in order, with awaitable
/// milestones, and starts the caller's media when told where.</summary>
public sealed class RecordingObserver : IPbxLegObserver
{
    private readonly Action<IPEndPoint>? _onMedia;
    private readonly ConcurrentQueue<string> _events = new();
    private int _hangups;

    public RecordingObserver(Action<IPEndPoint>? onMedia = null) => _onMedia = onMedia;

    public TaskCompletionSource Ringing { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TaskCompletionSource<IPEndPoint> MediaReady { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TaskCompletionSource Answered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TaskCompletionSource<PbxCause> HungUp { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ConcurrentQueue<(char Digit, TimeSpan Duration)> Digits { get; } = new();

    /// <summary>Every change of the PBX's hold, in order.</summary>
    public Channel<bool> Holds { get; } = Channel.CreateUnbounded<bool>();

    /// <summary>Everything reported, in order ("ringing", "media", "answered", "dtmf 5", "hold True", "hangup 16").</summary>
    public IReadOnlyList<string> Events => [.. _events];

    public int HangupCount => Volatile.Read(ref _hangups);

    /// <summary>The last media answer (null before one).</summary>
    public PbxMediaAnswer? Media { get; private set; }

    public int? TelephoneEventPayloadType => Media?.TelephoneEventPayloadType;

    public void OnRinging()
    {
        _events.Enqueue("ringing");
        Ringing.TrySetResult();
    }

    public void OnMediaReady(PbxMediaAnswer media)
    {
        ArgumentNullException.ThrowIfNull(media);
        _events.Enqueue("media");
        Media = media;
        _onMedia?.Invoke(media.RemoteRtp);
        MediaReady.TrySetResult(media.RemoteRtp);
    }

    public void OnAnswered()
    {
        _events.Enqueue("answered");
        Answered.TrySetResult();
    }

    public void OnDtmf(char digit, TimeSpan duration)
    {
        _events.Enqueue("dtmf " + digit);
        Digits.Enqueue((digit, duration));
    }

    public void OnPbxHold(bool held)
    {
        _events.Enqueue("hold " + held);
        Holds.Writer.TryWrite(held);
    }

    public void OnHangup(PbxCause cause)
    {
        _events.Enqueue("hangup " + cause.Q850.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Interlocked.Increment(ref _hangups);
        HungUp.TrySetResult(cause);
    }
}
