using System.Net;
using Microsoft.Extensions.Logging;
using PbxBridge.Asterisk.Ari;
using PbxBridge.Asterisk.Ari.Events;
using PbxBridge.Asterisk.Ari.Models;
using PbxBridge.Calls.Pbx;

namespace PbxBridge.Asterisk;

/// <summary>
/// One PbxBridge call on Asterisk: the far channel (a Local channel created in our app and dialed, or the dialplan
/// channel that entered Stasis), our externalMedia (UnicastRTP) channel and the mixing bridge holding both. It owns their cleanup on
/// every path: chan_rtp has no RTP timeout, so an externalMedia channel left behind would live for ever.
/// </summary>
internal sealed partial class AsteriskCall
{
    private readonly AsteriskPbx _pbx;
    private readonly object _gate = new();
    private readonly PbxLegRelay _relay;
    private PbxCause? _causeHint;
    private bool _ended;
    private bool _farGone;
    private bool _farRang;
    private bool _onHold;
    private TaskCompletionSource? _cleanup;
    private List<string>? _holdSources;

    // Completed by the externalMedia channel's StasisStart (or by the end of the call, which the waiter then checks).
    private readonly TaskCompletionSource _externalMediaInStasis = new(TaskCreationOptions.RunContinuationsAsynchronously);

    // The same for the created far channel of an agent's call: it must be in Stasis before it can be bridged.
    private readonly TaskCompletionSource _farInStasis = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public AsteriskCall(AsteriskPbx pbx, string key, string farChannelId, bool inbound, IPbxLegObserver? observer)
    {
        _pbx = pbx;
        Key = key;
        FarChannelId = farChannelId;
        IsInbound = inbound;
        _relay = new PbxLegRelay(observer, e => LogObserverFailed(pbx.Logger, key, e));
    }

    /// <summary>"{app}-{random}": the bridge id, and the prefix of every channel id we choose.</summary>
    public string Key { get; }

    public string FarChannelId { get; }

    /// <summary>The far channel's name as Asterisk gave it ("Local/1001@pbxbridge-agents-0000000a;2"), where known.</summary>
    public string? FarChannelName { get; init; }

    /// <summary>The ;2 half of an originated Local channel (its ChannelDestroyed carries the dialplan's cause).</summary>
    public string? OtherHalfId { get; init; }

    public string ExternalMediaChannelId => Key + "-em";

    public string BridgeId => Key;

    public bool IsInbound { get; }

    public bool FarCreated { get; set; }

    public bool ExternalMediaCreated { get; set; }

    public bool BridgeCreated { get; set; }

    /// <summary>Stopwatch timestamp when Asterisk confirmed the far channel exists (0: not yet).</summary>
    public long FarConfirmedAt { get; set; }

    /// <summary>Stopwatch timestamp when Asterisk confirmed the externalMedia channel exists (0: not yet).</summary>
    public long MediaConfirmedAt { get; set; }

    public bool IsEnded
    {
        get
        {
            lock (_gate)
            {
                return _ended;
            }
        }
    }

    public PbxCause? EndCause { get; private set; }

    public IPEndPoint? RemoteRtp { get; private set; }

    public IReadOnlyDictionary<string, string> Details
    {
        get
        {
            var details = new Dictionary<string, string>
            {
                ["channel"] = FarChannelId,
                ["externalMediaChannel"] = ExternalMediaChannelId,
                ["bridge"] = BridgeId,
            };
            if (RemoteRtp is not null)
            {
                details["asteriskRtp"] = RemoteRtp.ToString();
            }

            return details;
        }
    }

    public void Attach(IPbxLegObserver observer) => _relay.Attach(observer);

    // ---------------- events ----------------

    public void OnEvent(AriEvent ariEvent)
    {
        if (OnTransferEvent(ariEvent))
        {
            return;
        }

        switch (ariEvent)
        {
            case StasisStart start when start.Channel.Id == ExternalMediaChannelId:
                _externalMediaInStasis.TrySetResult();
                break;
            case StasisStart start when start.Channel.Id == FarChannelId && !IsInbound:
                // The created channel is in the app (not dialed yet): it may be bridged now.
                _farInStasis.TrySetResult();
                break;
            case Dial dial when dial.Peer.Id == FarChannelId || dial.Peer.Id == OtherHalfId:
                OnDialStatus(dial.Dialstatus);
                break;
            case ChannelStateChange change when change.Channel.Id == FarChannelId && change.Channel.State == "Ringing":
                MarkFarRang();
                RaiseRinging();
                break;
            case ChannelStateChange change when change.Channel.Id == FarChannelId && change.Channel.State == "Up" && !IsInbound:
                // Recorded: Up comes just before Dial ANSWER (which can also come before a late Dial ""): either answers.
                OnFarAnswered();
                break;
            case ChannelHangupRequest request when request.Channel.Id == FarChannelId && !IsInbound && request.Soft != true && request.Cause == 0 && !FarRang && !_relay.HasAnswered:
                // Recorded (Asterisk 22): dialing a Local channel into a context without that extension fails at once
                // with a hard hangup request of cause 0, no Dial status, then ChannelDestroyed cause 16. res_pjsip
                // answers a number its dialplan does not have with 404.
                SetCauseHint(PbxCause.Unallocated);
                break;
            case ChannelHold hold when hold.Channel.Id == FarChannelId:
                // The far party's device holds (a res_pjsip phone's sendonly re-INVITE): the agent is told.
                _relay.PbxHold(true);
                break;
            case ChannelUnhold unhold when unhold.Channel.Id == FarChannelId:
                _relay.PbxHold(false);
                break;
            case ChannelDtmfReceived dtmf when dtmf.Channel.Id == FarChannelId && dtmf.Digit.Length == 1:
                _relay.Dtmf(dtmf.Digit[0], TimeSpan.FromMilliseconds(dtmf.DurationMs));
                break;
            case ChannelHangupRequest request when request.Soft != true && request.Cause is > 0 and var cause:
                // A hard hangup request carries a Q.850 cause; soft ones carry AST_SOFTHANGUP_* bits (ignored).
                SetCauseHint(PbxCause.FromQ850(cause, ""));
                break;
            case ChannelDestroyed destroyed:
                OnChannelDestroyed(destroyed);
                break;
            case StasisEnd end when end.Channel.Id == FarChannelId:
                OnFarStasisEnd();
                break;
            case BridgeDestroyed destroyed when destroyed.Bridge.Id == BridgeId:
                End(PbxCause.NormalTemporaryFailure, "bridge destroyed by someone else");
                break;
            default:
                break;
        }
    }

    private void OnDialStatus(string dialstatus)
    {
        if (AriDialStatus.IsEarlyMedia(dialstatus))
        {
            // Progress: the far end's audio before answer is meant to be heard, and the far channel is already in our
            // bridge with the externalMedia channel, so it flows now (183 with SDP toward the browser).
            MarkFarRang();
            _relay.EarlyMedia();
        }
        else if (AriDialStatus.IsRinging(dialstatus))
        {
            MarkFarRang();
            RaiseRinging();
        }
        else if (dialstatus == "ANSWER" && !IsInbound)
        {
            OnFarAnswered();
        }
        else if (AriDialStatus.CauseHint(dialstatus, FarRang) is { } cause)
        {
            SetCauseHint(cause);
            if (!IsInbound && !_relay.HasAnswered)
            {
                // The dial attempt is over (Dial() returns on BUSY or CONGESTION too): the dialplan may keep indicating
                // busy for seconds (Busy(5) did in the recording), the agent hears the outcome now.
                End(cause, "dial status " + dialstatus, hangupFar: true);
            }
        }
    }

    private void OnChannelDestroyed(ChannelDestroyed destroyed)
    {
        var id = destroyed.Channel.Id;
        if (id == OtherHalfId)
        {
            // The ;2 half runs the dialplan: its cause (17 busy ...) is the one the agent should hear.
            if (destroyed.Cause > 0)
            {
                SetCauseHint(PbxCause.FromQ850(destroyed.Cause, destroyed.CauseTxt));
            }

            return;
        }

        if (id == FarChannelId)
        {
            lock (_gate)
            {
                _farGone = true;
            }

            PbxCause? cause = destroyed.Cause > 0 ? PbxCause.FromQ850(destroyed.Cause, destroyed.CauseTxt) : null;
            lock (_gate)
            {
                cause = _causeHint is { } hint && (cause is null || cause.Value.Q850 == 16) && !_relay.HasAnswered ? hint : cause ?? _causeHint;
            }

            // Cause 0 before answer is what Asterisk reports for an extension that does not exist.
            End(cause ?? (_relay.HasAnswered ? PbxCause.NormalClearing : PbxCause.Unallocated), "far channel destroyed");
            return;
        }

        if (id == ExternalMediaChannelId && !IsJoined)
        {
            End(PbxCause.NormalTemporaryFailure, "externalMedia channel hung up on the Asterisk side");
        }
    }

    private void OnFarStasisEnd()
    {
        PbxCause? hint;
        lock (_gate)
        {
            hint = _causeHint;
            if (IsInbound)
            {
                // Dialplan channels: StasisEnd is the last event the app gets (no ChannelDestroyed follows).
                _farGone = true;
            }
        }

        if (IsInbound)
        {
            End(hint ?? PbxCause.NormalClearing, "far channel left Stasis");
        }
    }

    private void OnFarAnswered()
    {
        if (IsEnded)
        {
            return;
        }

        // Already bridged since before the dial: the answer changes nothing on the media path.
        RaiseRinging();
        RaiseAnswered();
    }

    /// <summary>
    /// Completes once the created far channel is in our Stasis app (it enters on its own thread after POST
    /// /channels/create answered), or the call ended meanwhile (the caller checks).
    /// </summary>
    public async Task WaitForFarInStasisAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        try
        {
            await _farInStasis.Task.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            var app = await _pbx.Client.GetApplicationAsync(_pbx.Options.Application, cancellationToken).ConfigureAwait(false);
            if (!app.ChannelIds.Contains(FarChannelId))
            {
                throw new AriException($"channel {FarChannelId} did not enter Stasis app '{_pbx.Options.Application}' within {timeout.TotalMilliseconds:0} ms");
            }
        }
    }

    /// <summary>
    /// Completes once the externalMedia channel is in our Stasis app, so that it may be added to a bridge. Asterisk
    /// answers POST /channels/externalMedia when the channel exists, but the channel enters Stasis on its own thread
    /// afterwards; addChannel before its StasisStart is refused with 422 "Channel not in Stasis application". Also
    /// completes when the call ends meanwhile (the caller checks). If no StasisStart came within
    /// <paramref name="timeout"/> (it can be lost with an events WebSocket reconnect), the app's channel list decides.
    /// </summary>
    public async Task WaitForExternalMediaInStasisAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        try
        {
            await _externalMediaInStasis.Task.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            var app = await _pbx.Client.GetApplicationAsync(_pbx.Options.Application, cancellationToken).ConfigureAwait(false);
            if (!app.ChannelIds.Contains(ExternalMediaChannelId))
            {
                throw new AriException($"externalMedia channel {ExternalMediaChannelId} did not enter Stasis app '{_pbx.Options.Application}' within {timeout.TotalMilliseconds:0} ms");
            }
        }
    }

    public void RaiseMediaReady(IPEndPoint remoteRtp, PbxCodec codec)
    {
        RemoteRtp = remoteRtp;
        _relay.MediaReady(new PbxMediaAnswer(remoteRtp, codec));
    }

    public void RaiseRinging() => _relay.Ringing();

    private void MarkFarRang()
    {
        lock (_gate)
        {
            _farRang = true;
        }
    }

    private bool FarRang
    {
        get
        {
            lock (_gate)
            {
                return _farRang;
            }
        }
    }

    public void RaiseAnswered() => _relay.Answered();

    private void SetCauseHint(PbxCause cause)
    {
        lock (_gate)
        {
            _causeHint ??= cause;
        }
    }

    // ---------------- requests from the Calls room ----------------

    public async Task HangupAsync(PbxCause cause, CancellationToken cancellationToken)
    {
        if (IsJoined)
        {
            // Transferred: the far party talks to someone else now; the call ends when one of them hangs up.
            return;
        }

        End(cause, "hung up by PbxBridge", hangupFar: true);

        // Idempotent: a second caller waits for the same cleanup, so on return nothing of the call is left in Asterisk.
        await Cleanup.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Completes when every channel and bridge of the call has been deleted (or found gone).</summary>
    public Task Cleanup => _cleanup?.Task ?? Task.CompletedTask;

    public Task SendDtmfAsync(char digit, TimeSpan duration, CancellationToken cancellationToken)
    {
        if (!IsDtmfDigit(digit))
        {
            throw new ArgumentOutOfRangeException(nameof(digit), digit, "DTMF digit must be 0-9, *, #, A-D");
        }

        return _pbx.Client.SendDtmfAsync(FarChannelId, digit.ToString(), (int)Math.Clamp(duration.TotalMilliseconds, 40, 5000), cancellationToken);
    }

    public async Task HoldAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_onHold)
            {
                return;
            }

            _onHold = true;
        }

        // The far party hears music on hold; the bridge stays, so unhold is instant.
        await _pbx.Client.StartMohAsync(FarChannelId, null, cancellationToken).ConfigureAwait(false);
        _pbx.TellLocalPeerOfHold(this, held: true);
    }

    public async Task UnholdAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (!_onHold)
            {
                return;
            }

            _onHold = false;
        }

        await _pbx.Client.StopMohAsync(FarChannelId, cancellationToken).ConfigureAwait(false);
        _pbx.TellLocalPeerOfHold(this, held: false);
    }

    /// <summary>A channel bridged with the far side of our Local channel (the queue caller) holds or resumes.</summary>
    public void OnFarSideHold(bool held) => _relay.PbxHold(held);

    /// <summary>Records a channel whose hold is followed for this call; false once the call has ended.</summary>
    public bool AddHoldSource(string channelId)
    {
        lock (_gate)
        {
            if (_ended)
            {
                return false;
            }

            (_holdSources ??= []).Add(channelId);
            return true;
        }
    }

    /// <summary>The followed channels, handed over once (to withdraw their subscriptions).</summary>
    public IReadOnlyList<string> TakeHoldSources()
    {
        lock (_gate)
        {
            var taken = _holdSources ?? [];
            _holdSources = null;
            return taken;
        }
    }

    /// <summary>The agent at the other end of our Local channel holds (or resumes): to this agent that is the far party's hold.</summary>
    public void OnLocalPeerHold(bool held) => _relay.PbxHold(held);

    private static bool IsDtmfDigit(char c) => c is (>= '0' and <= '9') or '*' or '#' or (>= 'A' and <= 'D');

    // ---------------- the end ----------------

    /// <summary>Ends the call once: tells the observer, then deletes what we created. Returns false if already ended.</summary>
    public bool End(PbxCause cause, string why, bool hangupFar = false)
    {
        lock (_gate)
        {
            if (_ended)
            {
                return false;
            }

            _ended = true;
            EndCause = cause;
            _cleanup = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        _externalMediaInStasis.TrySetResult();
        _farInStasis.TrySetResult();
        _targetAnswer?.TrySetResult(cause);
        LogEnded(_pbx.Logger, Key, FarChannelId, cause.ToString(), why);
        _relay.Hangup(cause);
        var done = _cleanup!;
        _ = _pbx.RunAsync(
            async () =>
            {
                try
                {
                    await CleanupAsync(cause, hangupFar).ConfigureAwait(false);
                }
                finally
                {
                    done.TrySetResult();
                }
            },
            "clean up call " + Key);
        return true;
    }

    /// <summary>Delete everything we created; each step tolerates "not found" (it is already gone).</summary>
    public async Task CleanupAsync(PbxCause cause, bool hangupFar)
    {
        bool farGone;
        bool givenAway;
        string? target;
        lock (_gate)
        {
            farGone = _farGone;
            givenAway = _givenAway;
            target = _targetGone ? null : _targetId;
        }

        var client = _pbx.Client;
        if (FarCreated && !farGone && !givenAway)
        {
            // The far leg is deleted even when it hung up first: an inbound channel still in Stasis would otherwise wait.
            await IgnoreGoneAsync(() => HangupChannelAsync(client, FarChannelId, hangupFar ? cause : PbxCause.NormalClearing)).ConfigureAwait(false);
        }

        if (target is not null)
        {
            // A transfer target still ringing, or the party the far one was joined with.
            await IgnoreGoneAsync(() => HangupChannelAsync(client, target, PbxCause.NormalClearing)).ConfigureAwait(false);
        }

        if (ExternalMediaCreated)
        {
            await IgnoreGoneAsync(() => client.HangupAsync(ExternalMediaChannelId, null, CancellationToken.None)).ConfigureAwait(false);
        }

        if (BridgeCreated)
        {
            await IgnoreGoneAsync(() => client.DestroyBridgeAsync(BridgeId, CancellationToken.None)).ConfigureAwait(false);
        }

        await _pbx.StopFollowingHoldAsync(this).ConfigureAwait(false);
        _pbx.Forget(this);
    }

    internal static Task HangupChannelAsync(AriClient client, string channelId, PbxCause cause)
    {
        var reason = AriHangupReason.NameFor(cause);
        return reason is not null
            ? client.HangupAsync(channelId, reason, CancellationToken.None)
            : client.HangupWithCauseAsync(channelId, cause.Q850, CancellationToken.None);
    }

    private async Task IgnoreGoneAsync(Func<Task> action)
    {
        try
        {
            await action().ConfigureAwait(false);
        }
        catch (AriException e) when (e.IsNotFound)
        {
            // Already gone: exactly what we wanted.
        }
        catch (Exception e) when (e is AriException or HttpRequestException or TaskCanceledException)
        {
            // Asterisk unreachable now: the reconciliation after the next connect removes "{app}-" leftovers.
            LogCleanupFailed(_pbx.Logger, Key, e.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Asterisk call {Key} (channel {Channel}) ended: {Cause} ({Why})")]
    private static partial void LogEnded(ILogger logger, string key, string channel, string cause, string why);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Asterisk call {Key}: cleanup step failed ({Reason}); reconciliation will retry")]
    private static partial void LogCleanupFailed(ILogger logger, string key, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Asterisk call {Key}: observer threw")]
    private static partial void LogObserverFailed(ILogger logger, string key, Exception exception);
}
