using System.Diagnostics;
using Microsoft.Extensions.Logging;
using PbxBridge.Calls.Media;
using PbxBridge.Calls.Pbx;
using PbxBridge.Sip;
using PbxBridge.WebRtc;

namespace PbxBridge.Calls;

/// <summary>
/// One call: a browser leg (SIP dialog + WebRTC media) and a PBX leg (<see cref="IPbxLeg"/> + plain RTP), and the one
/// place that decides what each side's event means for the other. Events arrive on many threads; a per-call lock
/// (never shared with another call, never on the media path) keeps the decisions ordered.
/// </summary>
public sealed partial class Call : IPbxLegObserver, ICallMediaEvents
{
    private readonly CallSignalling signalling;
    private readonly CallMediaServices mediaServices;
    private readonly ICallObserver observer;
    private readonly CallLimits limits;
    private readonly Func<SipCall, Call?> findCall;
    private readonly ILogger logger;

    // For the browser leg and the media bridge, which log from the media loop and the DTLS thread.
    private readonly ILogger mediaLogger;
    private readonly Lock gate = new();
    private readonly long startTimestamp = Stopwatch.GetTimestamp();
    private readonly TaskCompletionSource ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private SipIncomingCall? fromAgent;
    private SipOutgoingCall? toAgent;
    private InboundPbxCall? inboundPbx;
    private IPbxLeg? pbxLeg;
    private string? answerSdp;
    private volatile bool heldByAgent;
    private CallState state = CallState.Setup;
    private bool pbxHungUp;

    /// <param name="signalling">How the call reaches the PBX and the agent's browsers.</param>
    /// <param name="mediaServices">What its browser leg and media bridge are built from.</param>
    /// <param name="observer">Told when the call starts, answers, ends and is released (the metrics).</param>
    /// <param name="limits">Where a refusal for want of ports takes its Retry-After.</param>
    /// <param name="findCall">The call whose browser leg is a given SIP dialog (an attended transfer's Replaces names it).</param>
    /// <param name="logger">The Calls room's logger; each call logs in its own scope.</param>
    private Call(
        CallSignalling signalling, CallMediaServices mediaServices, ICallObserver observer, CallLimits limits, Func<SipCall, Call?> findCall, ILogger logger,
        CallDirection direction, string agentId, string remoteParty)
    {
        this.signalling = signalling;
        this.mediaServices = mediaServices;
        this.observer = observer;
        this.limits = limits;
        this.findCall = findCall;
        this.logger = logger;
        Direction = direction;
        AgentId = agentId;
        RemoteParty = remoteParty;
        Id = NewCallId();
        mediaLogger = new CallScopedLogger(logger, ScopeState);
        Media = mediaServices.CreateBridge(this, mediaLogger);
    }

    public string Id { get; }

    public CallDirection Direction { get; }

    public string AgentId { get; }

    public string RemoteParty { get; }

    /// <summary>Each change is reported to <see cref="CallSignalling.AgentStates"/> (the agent's state toward the PBX's queues).</summary>
    public CallState State
    {
        get => state;
        private set
        {
            state = value;
            signalling.AgentStates?.OnAgentChanged(AgentId);
        }
    }

    /// <summary>The agent's browser holds the call (its last offer was sendonly or inactive).</summary>
    public bool HeldByAgent => heldByAgent;

    public DateTimeOffset StartedAt { get; } = DateTimeOffset.UtcNow;

    public DateTimeOffset? AnsweredAt { get; private set; }

    public string? EndReason { get; private set; }

    public string? PbxId => pbxLeg?.PbxId;

    public CallMediaBridge Media { get; }

    /// <summary>Completes when both legs are gone and the media is released.</summary>
    public Task Ended => ended.Task;

    private static string NewCallId() => Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(8));

    private IDisposable? Scope() => logger.BeginScope(ScopeState());

    private Dictionary<string, object?> ScopeState() => new()
    {
        ["CallId"] = Id,
        ["Agent"] = AgentId,
        ["PbxId"] = pbxLeg?.PbxId,
    };
}
