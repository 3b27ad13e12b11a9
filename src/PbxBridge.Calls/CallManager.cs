using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using PbxBridge.Calls.Media;
using PbxBridge.Calls.Overload;
using PbxBridge.Calls.Pbx;
using PbxBridge.Sip;
using PbxBridge.Sip.Message;

namespace PbxBridge.Calls;

/// <summary>
/// Where calls are born and counted: browser INVITEs from the SIP stack and PBX calls toward agents both arrive
/// here, get a <see cref="Call"/>, and leave the registry when the call has released everything.
/// </summary>
public sealed class CallManager : ISipCallHandler, IPbxInboundHandler
{
    private readonly ConcurrentDictionary<string, Call> calls = new(StringComparer.Ordinal);
    private readonly CallMediaServices media;
    private readonly CallLimits limits;
    private readonly OverloadController overload;
    private readonly ICallObserver observer;
    private readonly ILogger<CallManager> logger;
    private readonly ILogger callLogger;
    private CallSignalling? signalling;
    private volatile bool draining;
    private bool everConnected;
    private long controlReconnects;

    /// <param name="media">What each call's media is built from.</param>
    /// <param name="limits">The per-agent and total call limits, and the Retry-After of the 503s they cause.</param>
    /// <param name="overload">The overload ladder, whose last step refuses new calls.</param>
    /// <param name="observer">Told of every call's start, answer, end and release (the metrics).</param>
    public CallManager(CallMediaServices media, CallLimits limits, OverloadController overload, ICallObserver observer, ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(loggerFactory);
        this.media = media;
        this.limits = limits;
        this.overload = overload;
        this.observer = observer;
        logger = loggerFactory.CreateLogger<CallManager>();
        callLogger = loggerFactory.CreateLogger<Call>();
    }

    public bool IsControlConnected { get; private set; }

    /// <summary>Times the PBX control connection (ARI events / ESL) came back after being up and lost.</summary>
    public long ControlReconnects => Interlocked.Read(ref controlReconnects);

    public int ActiveCalls => calls.Count;

    /// <summary>True from SIGTERM on (<see cref="DrainAsync"/>): new calls are refused, live ones are finishing.</summary>
    public bool IsDraining => draining;

    public IEnumerable<Call> Calls => calls.Values;

    /// <summary>Set once at start-up, before the first call: the SIP stack in <paramref name="callSignalling"/> needs
    /// this manager as its call handler, so it cannot be a constructor argument.</summary>
    public void Attach(CallSignalling callSignalling)
    {
        ArgumentNullException.ThrowIfNull(callSignalling);
        signalling = callSignalling;
    }

    public bool TryGet(string id, out Call call) => calls.TryGetValue(id, out call!);

    void ISipCallHandler.OnIncomingCall(SipIncomingCall sip)
    {
        if (draining)
        {
            sip.Reject(503, LimitReasonPhrases.ShuttingDown, "Q.850;cause=41;text=\"shutting down\"");
            return;
        }

        if (overload.TryRefuseNewCall())
        {
            // Logged per step by the overload monitor, not per refused call: under overload a log line per INVITE is load too.
            sip.Reject(503, LimitReasonPhrases.Overloaded, "Q.850;cause=42;text=\"media loops overloaded\"", overload.Settings.RetryAfter);
            return;
        }

        if (CountLive() >= limits.MaxCalls)
        {
            logger.LogWarning("call limit of {Max} calls reached: refusing agent {Agent}'s call with 503", limits.MaxCalls, sip.AgentId);
            sip.Reject(503, LimitReasonPhrases.TooManyCalls, "Q.850;cause=34;text=\"call limit reached\"", limits.RetryAfter);
            return;
        }

        if (CountFor(sip.AgentId) >= limits.MaxCallsPerAgent)
        {
            logger.LogWarning("agent {Agent} already has {Max} calls: refusing another with 503", sip.AgentId, limits.MaxCallsPerAgent);
            sip.Reject(503, LimitReasonPhrases.TooManyCallsForAgent, "Q.850;cause=34;text=\"agent call limit reached\"", limits.RetryAfter);
            return;
        }

        var call = Call.FromAgentInvite(sip, Signalling, media, observer, limits, FindCall, callLogger);
        Track(call);
        _ = RunSetupAsync(call, call.StartFromAgentAsync);
    }

    void IPbxInboundHandler.OnInboundCall(InboundPbxCall pbxCall)
    {
        if (draining || CountLive() >= limits.MaxCalls || overload.TryRefuseNewCall())
        {
            _ = pbxCall.RejectAsync(PbxCause.Congestion, CancellationToken.None);
            return;
        }

        // An agent at Limits:MaxCallsPerAgent is busy to the PBX (cause 17): its Dial sees BUSY and a queue moves on,
        // where ringing the browser once more would only earn a 486 from the page.
        if (CountFor(pbxCall.AgentId) >= limits.MaxCallsPerAgent)
        {
            logger.LogWarning("agent {Agent} already has {Max} calls: refusing the PBX's call {PbxId} as busy", pbxCall.AgentId, limits.MaxCallsPerAgent, pbxCall.PbxId);
            _ = pbxCall.RejectAsync(PbxCause.UserBusy, CancellationToken.None);
            return;
        }

        var call = Call.ToAgentFromPbx(pbxCall, Signalling, media, observer, limits, FindCall, callLogger);
        Track(call);
        _ = RunSetupAsync(call, call.StartToAgentAsync);
    }

    void IPbxInboundHandler.OnControlConnectionChanged(bool connected)
    {
        // The adapters report every (re)connect as "up": only a down-to-up change after the first connect is a reconnect.
        if (connected && !IsControlConnected && everConnected)
        {
            Interlocked.Increment(ref controlReconnects);
        }

        everConnected |= connected;
        IsControlConnected = connected;
        if (connected)
        {
            signalling?.AgentStates?.OnPbxConnected();
        }

        logger.Log(connected ? LogLevel.Information : LogLevel.Warning, "PBX control connection {State}", connected ? "up" : "down");
    }

    /// <summary>SIGTERM: refuse new calls, let active ones finish for <paramref name="drain"/>, then hang up the rest.</summary>
    public async Task DrainAsync(TimeSpan drain, CancellationToken cancellationToken)
    {
        draining = true;
        if (!calls.IsEmpty)
        {
            logger.LogInformation("draining {Count} active calls for up to {Seconds} s", calls.Count, (int)drain.TotalSeconds);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(drain);
            try
            {
                await Task.WhenAll(calls.Values.Select(c => c.Ended)).WaitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
            }
        }

        var left = calls.Values.ToArray();
        if (left.Length > 0)
        {
            logger.LogWarning("drain time over: hanging up {Count} calls on both sides", left.Length);
            await Task.WhenAll(left.Select(c => c.HangupAsync("PbxBridge shutting down")));
            await Task.WhenAll(left.Select(c => c.Ended)).WaitAsync(TimeSpan.FromSeconds(5), CancellationToken.None).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    /// <summary>Calls that hold capacity: an ended call only waits for its media to be released and leaves the
    /// registry just after, which must not make the next call wait (or be refused) for it.</summary>
    private int CountLive()
    {
        var n = 0;
        foreach (var c in calls.Values)
        {
            if (c.State != CallState.Ended)
            {
                n++;
            }
        }

        return n;
    }

    private int CountFor(string agentId)
    {
        var n = 0;
        foreach (var c in calls.Values)
        {
            if (c.AgentId == agentId && c.State != CallState.Ended)
            {
                n++;
            }
        }

        return n;
    }

    private void Track(Call call)
    {
        calls[call.Id] = call;
        observer.OnCallStarted(call);
        Signalling.AgentStates?.OnAgentChanged(call.AgentId);
        _ = call.Ended.ContinueWith(_ => calls.TryRemove(call.Id, out Call? _), TaskScheduler.Default);
    }

    private CallSignalling Signalling => signalling ?? throw new InvalidOperationException("CallManager.Attach was not called before the first call");

    /// <summary>The call whose browser leg is <paramref name="sip"/> (an attended transfer's Replaces names it).</summary>
    private Call? FindCall(SipCall sip) => calls.Values.FirstOrDefault(c => c.HasAgentLeg(sip));

    private async Task RunSetupAsync(Call call, Func<CancellationToken, Task> setup)
    {
        try
        {
            await setup(CancellationToken.None);
        }
        catch (Exception e)
        {
            logger.LogError(e, "call {CallId} setup failed", call.Id);
            await call.HangupAsync("setup failed: " + e.Message);
        }
    }
}
