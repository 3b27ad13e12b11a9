using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.Logging;
using PbxBridge.Calls.Pbx;

namespace PbxBridge.Demo;

/// <summary>
/// The built-in demo PBX (<c>Pbx:Kind=Demo</c>): the same <see cref="IPbx"/> contract as the Asterisk and FreeSWITCH
/// adapters, entirely in-process, with real RTP over loopback UDP. 600 echoes, 601 plays 1004 Hz, 602 rings for
/// 30 s and never answers, 603 is busy, 605 plays the tone as early media for 6 s before answering; an agent id
/// calls that agent and bridges the two (so an agent can consult another); anything else does not exist (404). It
/// can also call an agent itself.
/// </summary>
public sealed class DemoPbx : IPbx
{
    public static readonly TimeSpan RingNoAnswerTimeout = TimeSpan.FromSeconds(30);

    /// <summary>How long 605 plays its tone as early media before answering.</summary>
    public static readonly TimeSpan EarlyMediaDuration = TimeSpan.FromSeconds(6);
    public static readonly TimeSpan DefaultAnswerDelay = TimeSpan.FromMilliseconds(150);
    private readonly TimeSpan answerDelay;
    private readonly IPAddress bindAddress;
    private readonly Func<string, bool> isAgent;
    private readonly ILogger<DemoPbx> logger;
    private readonly ConcurrentDictionary<string, DemoChannel> channels = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource stopping = new();
    private IPbxInboundHandler? inbound;
    private long nextId;

    /// <param name="answerDelay">How long 600, 601 and 603 ring before answering or refusing (Demo:AnswerDelayMs).</param>
    /// <param name="isAgent">Whether a dialled number is an agent of PbxBridge's (the demo calls that agent); none when null.</param>
    public DemoPbx(IPAddress bindAddress, ILogger<DemoPbx> logger, TimeSpan? answerDelay = null, Func<string, bool>? isAgent = null)
    {
        this.bindAddress = bindAddress;
        this.isAgent = isAgent ?? (_ => false);
        this.logger = logger;
        this.answerDelay = answerDelay ?? DefaultAnswerDelay;
    }

    public string Kind => "Demo";

    public bool IsControlConnected => true;

    public int ActiveChannels => channels.Count;

    public static DemoBehaviour? BehaviourOf(string extension) => extension switch
    {
        "600" => DemoBehaviour.Echo,
        "601" => DemoBehaviour.Tone,
        "602" => DemoBehaviour.RingNoAnswer,
        "603" => DemoBehaviour.Busy,
        "605" => DemoBehaviour.EarlyTone,
        _ => null,
    };

    public Task StartAsync(IPbxInboundHandler inboundHandler, CancellationToken cancellationToken)
    {
        inbound = inboundHandler;
        inboundHandler.OnControlConnectionChanged(true);
        logger.LogInformation("demo PBX ready: 600 echo, 601 tone 1004 Hz, 602 rings without answer, 603 busy, 605 early media then answer, an agent id calls that agent");
        return Task.CompletedTask;
    }

    public Task<IPbxLeg> PlaceCallAsync(OutboundCallRequest request, CancellationToken cancellationToken)
    {
        var behaviour = BehaviourOf(request.Destination);
        if (behaviour is null && isAgent(request.Destination))
        {
            return Task.FromResult<IPbxLeg>(new DemoLeg(CallAgentFromAgent(request)));
        }

        if (behaviour is null)
        {
            throw new PbxCallFailedException(PbxCause.Unallocated, $"demo PBX has no extension {request.Destination}: try 600 (echo), 601 (tone), 602 (no answer), 603 (busy), 605 (early media) or an agent id");
        }

        var channel = NewChannel(behaviour.Value);
        channel.Attach(request.Observer);
        _ = RunOutboundAsync(channel, request);
        return Task.FromResult<IPbxLeg>(new DemoLeg(channel));
    }

    /// <summary>The demo PBX calls an agent; the caller plays the tone. Returns the demo channel id.</summary>
    public string CallAgent(string agentId, string callerNumber, string callerName)
    {
        var handler = inbound ?? throw new InvalidOperationException("demo PBX not started");
        var channel = NewChannel(DemoBehaviour.Tone);
        handler.OnInboundCall(new DemoInboundCall(channel, agentId, callerNumber, callerName));
        return channel.Id;
    }

    /// <summary>Hang a demo channel up from the PBX side (the far party hangs up).</summary>
    public async Task<bool> HangupAsync(string channelId)
    {
        if (!channels.TryGetValue(channelId, out var channel))
        {
            return false;
        }

        await channel.EndFromPbxAsync(PbxCause.NormalClearing);
        return true;
    }

    /// <summary>The demo channel behind a leg of this PBX's (an attended transfer's other leg).</summary>
    internal static DemoChannel ChannelOf(IPbxLeg leg) => leg switch
    {
        DemoLeg outbound => outbound.Channel,
        DemoInboundCall inboundCall => inboundCall.Channel,
        _ => throw new PbxCallFailedException(PbxCause.NormalTemporaryFailure, "not a demo PBX leg"),
    };

    private DemoChannel NewChannel(DemoBehaviour behaviour)
    {
        var id = $"demo-{Interlocked.Increment(ref nextId)}";
        var channel = new DemoChannel(id, behaviour, bindAddress, logger, c => channels.TryRemove(c.Id, out _));
        channel.TransferToAgent = TransferToAgentAsync;
        channels[id] = channel;
        return channel;
    }

    /// <summary>
    /// One agent dials another: the demo calls the callee with the caller's number and bridges the two legs once the
    /// callee answers (its RTP to the caller's and back); the caller's leg rings while the callee's browser does, and
    /// takes the callee's refusal, or no answer after <see cref="RingNoAnswerTimeout"/>, as its end.
    /// </summary>
    private DemoChannel CallAgentFromAgent(OutboundCallRequest request)
    {
        var handler = inbound ?? throw new PbxCallFailedException(PbxCause.NormalTemporaryFailure, "demo PBX not started");
        var caller = NewChannel(DemoBehaviour.Bridged);
        caller.Attach(request.Observer);
        var callee = NewChannel(DemoBehaviour.Bridged);
        DemoChannel.Bridge(caller, callee);
        var call = new DemoInboundCall(callee, request.Destination, request.AgentId, request.AgentDisplayName);
        handler.OnInboundCall(call);
        _ = AnswerWhenCalleeAnswersAsync(caller, call, request.Media);
        return caller;
    }

    private async Task AnswerWhenCalleeAnswersAsync(DemoChannel caller, DemoInboundCall call, PbxMediaOffer media)
    {
        // The caller may give up (CANCEL) first: its end reaches the callee through the bridge.
        var first = await Task.WhenAny(call.Outcome, caller.Ended, Task.Delay(RingNoAnswerTimeout, stopping.Token)).ConfigureAwait(false);
        if (first == caller.Ended || stopping.IsCancellationRequested)
        {
            return;
        }

        PbxCause? failure = PbxCause.NoAnswer;
        if (first == call.Outcome)
        {
            failure = await call.Outcome.ConfigureAwait(false);
        }
        else
        {
            await call.HangupAsync(PbxCause.NoAnswer, CancellationToken.None).ConfigureAwait(false);
        }

        if (failure is { } cause)
        {
            await caller.EndFromPbxAsync(cause).ConfigureAwait(false);
        }
        else if (caller.IsUp)
        {
            caller.OpenMedia(media);
            caller.Answered();
        }
    }

    /// <summary>A blind transfer's target agent: the demo calls it with the transferred caller's sound, and the
    /// transfer succeeds once the agent answered (its cause otherwise).</summary>
    private async Task TransferToAgentAsync(string agentId, DemoBehaviour behaviour)
    {
        var handler = inbound ?? throw new PbxCallFailedException(PbxCause.NormalTemporaryFailure, "demo PBX not started");
        var call = new DemoInboundCall(NewChannel(behaviour), agentId, "transfer", "Transferred caller");
        handler.OnInboundCall(call);
        PbxCause? failure;
        try
        {
            failure = await call.Outcome.WaitAsync(RingNoAnswerTimeout).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            await call.HangupAsync(PbxCause.NoAnswer, CancellationToken.None).ConfigureAwait(false);
            failure = PbxCause.NoAnswer;
        }

        if (failure is { } cause)
        {
            throw new PbxCallFailedException(cause, $"agent {agentId} did not take the transferred call: {cause}");
        }
    }

    private async Task RunOutboundAsync(DemoChannel channel, OutboundCallRequest request)
    {
        try
        {
            // 605 goes straight to early media, as FreeSWITCH's pre_answer does: 183 with SDP, no 180 first.
            if (channel.Behaviour != DemoBehaviour.EarlyTone)
            {
                channel.Ringing();
            }

            switch (channel.Behaviour)
            {
                case DemoBehaviour.Busy:
                    await Task.Delay(answerDelay, stopping.Token);
                    await channel.EndFromPbxAsync(PbxCause.UserBusy);
                    return;
                case DemoBehaviour.EarlyTone:
                    channel.OpenMedia(request.Media);
                    channel.EarlyMedia();
                    await Task.Delay(EarlyMediaDuration, stopping.Token);
                    if (channel.IsUp)
                    {
                        channel.Answered();
                    }

                    return;
                case DemoBehaviour.RingNoAnswer:
                    await Task.Delay(RingNoAnswerTimeout, stopping.Token);
                    if (channel.IsUp)
                    {
                        await channel.EndFromPbxAsync(PbxCause.NoAnswer);
                    }

                    return;
                default:
                    await Task.Delay(answerDelay, stopping.Token);
                    if (!channel.IsUp)
                    {
                        return;
                    }

                    channel.OpenMedia(request.Media);
                    channel.Answered();
                    return;
            }
        }
        catch (OperationCanceledException)
        {
            await channel.HangupAsync(PbxCause.NormalClearing);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (stopping.IsCancellationRequested)
        {
            return;
        }

        await stopping.CancelAsync();
        foreach (var channel in channels.Values)
        {
            await channel.HangupAsync(PbxCause.NormalClearing);
        }
    }
}
