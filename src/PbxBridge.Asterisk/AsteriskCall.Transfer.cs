using PbxBridge.Asterisk.Ari;
using PbxBridge.Asterisk.Ari.Events;
using PbxBridge.Calls.Pbx;

namespace PbxBridge.Asterisk;

/// <summary>
/// Transfers. Blind: the target is originated through the dial template into our app (like an agent's own call), and
/// only once it answers does it join the far party in this call's bridge and our externalMedia leave. That is the
/// protocol-true order for RFC 3515: the NOTIFY reports the target's real outcome (as res_pjsip's refer progress does),
/// and a target that is busy or does not exist leaves the far party where it was, still talking to the agent. Sending
/// the far channel on with `continue` would leave Stasis before the outcome is known and lose the caller on a failure.
/// Attended: the consultation call's far channel moves into this call's bridge (one ARI bridge holds both far
/// parties). Either way the call then lives on without PbxBridge's media until one of the two hangs up, and is then
/// torn down like any other (the other party hung up, the bridge destroyed).
/// </summary>
internal sealed partial class AsteriskCall
{
    private int _transferAttempts;

    // The channel joined (or being joined) with the far party, and the ;2 half of an originated target.
    private string? _targetId;
    private string? _targetOtherHalf;
    private TaskCompletionSource<PbxCause?>? _targetAnswer;
    private PbxCause? _targetCauseHint;
    private bool _targetRang;
    private bool _joined;
    private bool _targetGone;

    // This call's far channel was moved into another call's bridge (attended transfer): not ours to hang up any more.
    private bool _givenAway;

    /// <summary>The externalMedia format of the call (Local channels toward a transfer target are originated with it).</summary>
    public string? MediaFormat { get; set; }

    /// <summary>Ids of transfer targets this call may still own (for <see cref="AsteriskPbx.Forget"/>).</summary>
    public IEnumerable<string> TransferChannelIds
    {
        get
        {
            lock (_gate)
            {
                return new[] { _targetId, _targetOtherHalf }.OfType<string>().ToArray();
            }
        }
    }

    /// <summary>The channels a cluster node leases to Asterisk now (<see cref="AsteriskPbx"/>.Lease): those it holds.</summary>
    public IReadOnlyList<string> LeasedChannelIds
    {
        get
        {
            lock (_gate)
            {
                if (_ended)
                {
                    return [];
                }

                var ids = new List<string>(3);
                if (FarConfirmedAt > 0 && !_farGone && !_givenAway)
                {
                    ids.Add(FarChannelId);
                }

                if (_targetId is not null && !_targetGone)
                {
                    ids.Add(_targetId);
                }

                if (MediaConfirmedAt > 0)
                {
                    ids.Add(ExternalMediaChannelId);
                }

                return ids;
            }
        }
    }

    private bool IsJoined
    {
        get
        {
            lock (_gate)
            {
                return _joined;
            }
        }
    }

    public static AsteriskCall Of(IPbxLeg leg) => leg switch
    {
        AsteriskOutboundLeg outbound => outbound.Call,
        AsteriskInboundCall inbound => inbound.Call,
        _ => throw new ArgumentException("not an Asterisk leg: " + leg.GetType().Name, nameof(leg)),
    };

    /// <summary>Blind transfer: originate <paramref name="destination"/>, join it with the far party once it answers.</summary>
    public async Task TransferAsync(string destination, CancellationToken cancellationToken)
    {
        if (!AsteriskPbx.IsDialableNumber(destination))
        {
            throw new PbxCallFailedException(PbxCause.Unallocated, $"'{destination}' is not a number PbxBridge dials");
        }

        var targetId = Key + "-xfer" + Interlocked.Increment(ref _transferAttempts).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var answer = new TaskCompletionSource<PbxCause?>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            if (_ended || _targetId is not null)
            {
                throw new PbxCallFailedException(PbxCause.NormalTemporaryFailure, _ended ? "the call has ended" : "a transfer is already under way");
            }

            _targetId = targetId;
            _targetOtherHalf = targetId + "-2";
            _targetAnswer = answer;
            _targetCauseHint = null;
            _targetRang = false;
        }

        // Registered before the originate: its events can overtake the REST response.
        _pbx.Register(this, targetId, targetId + "-2");
        var endpoint = _pbx.Options.DialTemplate.Replace("{number}", destination, StringComparison.Ordinal);
        try
        {
            await _pbx.Client.OriginateAsync(
                new OriginateRequest(endpoint, _pbx.Options.Application)
                {
                    AppArgs = "transfer",
                    Timeout = 60,
                    ChannelId = targetId,
                    OtherChannelId = targetId + "-2",
                    Formats = MediaFormat,
                },
                cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is AriException or HttpRequestException or OperationCanceledException)
        {
            AbandonTarget(targetId);
            throw new PbxCallFailedException(PbxCause.NormalTemporaryFailure, $"Asterisk refused to originate the transfer to '{destination}': {e.Message}", e);
        }

        if (await answer.Task.ConfigureAwait(false) is { } failure)
        {
            await IgnoreGoneAsync(() => _pbx.Client.HangupAsync(targetId, null, CancellationToken.None)).ConfigureAwait(false);
            AbandonTarget(targetId);
            throw new PbxCallFailedException(failure, $"the transfer target '{destination}' did not answer: {failure}");
        }

        try
        {
            await StopHoldMusicAsync().ConfigureAwait(false);
            await _pbx.Client.AddChannelAsync(BridgeId, [targetId], cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is AriException or HttpRequestException or OperationCanceledException)
        {
            await IgnoreGoneAsync(() => _pbx.Client.HangupAsync(targetId, null, CancellationToken.None)).ConfigureAwait(false);
            AbandonTarget(targetId);
            throw new PbxCallFailedException(PbxCause.NormalTemporaryFailure, $"Asterisk could not bridge the transfer target: {e.Message}", e);
        }

        await CompleteJoinAsync().ConfigureAwait(false);
    }

    /// <summary>Attended transfer: the far channel of <paramref name="other"/> joins this call's far party in our bridge.</summary>
    public async Task JoinAsync(AsteriskCall other, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(other);
        lock (_gate)
        {
            if (_ended || _targetId is not null)
            {
                throw new PbxCallFailedException(PbxCause.NormalTemporaryFailure, _ended ? "the call has ended" : "a transfer is already under way");
            }

            _targetId = other.FarChannelId;
            _targetOtherHalf = null;
        }

        lock (other._gate)
        {
            if (other._ended || other._targetId is not null)
            {
                lock (_gate)
                {
                    _targetId = null;
                }

                throw new PbxCallFailedException(PbxCause.NormalTemporaryFailure, "the consultation call has ended");
            }

            other._givenAway = true;
        }

        _pbx.Register(this, other.FarChannelId);
        try
        {
            await StopHoldMusicAsync().ConfigureAwait(false);
            await other.StopHoldMusicAsync().ConfigureAwait(false);
            await _pbx.Client.RemoveChannelAsync(other.BridgeId, other.FarChannelId, cancellationToken).ConfigureAwait(false);
            await _pbx.Client.AddChannelAsync(BridgeId, [other.FarChannelId], cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is AriException or HttpRequestException or OperationCanceledException)
        {
            lock (other._gate)
            {
                other._givenAway = false;
            }

            await other.IgnoreGoneAsync(() => _pbx.Client.AddChannelAsync(other.BridgeId, [other.FarChannelId], CancellationToken.None)).ConfigureAwait(false);
            AbandonTarget(other.FarChannelId);
            throw new PbxCallFailedException(PbxCause.NormalTemporaryFailure, $"Asterisk could not join the two far parties: {e.Message}", e);
        }

        // The consultation call is over for PbxBridge: its externalMedia and bridge go, its far channel stays with us.
        other.End(PbxCause.NormalClearing, "far party joined into call " + Key);
        await CompleteJoinAsync().ConfigureAwait(false);
    }

    /// <summary>Both far parties share the bridge: our externalMedia leaves it, the call lives on without PbxBridge's media.</summary>
    private async Task CompleteJoinAsync()
    {
        bool targetGone;
        lock (_gate)
        {
            _joined = true;
            targetGone = _targetGone;
        }

        await IgnoreGoneAsync(() => _pbx.Client.HangupAsync(ExternalMediaChannelId, null, CancellationToken.None)).ConfigureAwait(false);
        if (targetGone)
        {
            // The target hung up in the moment it was joined: nobody is left to talk to the far party.
            End(PbxCause.NormalClearing, "transfer target hung up as it was joined", hangupFar: true);
        }
    }

    private async Task StopHoldMusicAsync()
    {
        lock (_gate)
        {
            if (!_onHold)
            {
                return;
            }

            _onHold = false;
        }

        await IgnoreGoneAsync(() => _pbx.Client.StopMohAsync(FarChannelId, CancellationToken.None)).ConfigureAwait(false);
    }

    private void AbandonTarget(string targetId)
    {
        string? otherHalf;
        lock (_gate)
        {
            if (_targetId != targetId)
            {
                return;
            }

            otherHalf = _targetOtherHalf;
            _targetId = null;
            _targetOtherHalf = null;
            _targetAnswer = null;
            _targetGone = false;
        }

        _pbx.Unregister(this, targetId);
        if (otherHalf is not null)
        {
            _pbx.Unregister(this, otherHalf);
        }
    }

    /// <summary>Events about a transfer target; true when the event was one.</summary>
    private bool OnTransferEvent(AriEvent ariEvent)
    {
        string? target;
        string? otherHalf;
        bool joined;
        lock (_gate)
        {
            target = _targetId;
            otherHalf = _targetOtherHalf;
            joined = _joined;
        }

        if (target is null)
        {
            return false;
        }


        switch (ariEvent)
        {
            case StasisStart start when start.Channel.Id == target && !joined:
                // The originated target enters Stasis when it answers.
                _targetAnswer?.TrySetResult(null);
                return true;
            case Dial dial when dial.Peer.Id == target || dial.Peer.Id == otherHalf:
                OnTargetDialStatus(dial.Dialstatus);
                return true;
            case ChannelDestroyed destroyed when destroyed.Channel.Id == otherHalf:
                if (destroyed.Cause > 0)
                {
                    SetTargetCauseHint(PbxCause.FromQ850(destroyed.Cause, destroyed.CauseTxt));
                }

                return true;
            case ChannelDestroyed or StasisEnd when ((ChannelEvent)ariEvent).Channel.Id == target:
                OnTargetGone(ariEvent as ChannelDestroyed, joined);
                return true;
            default:
                return false;
        }
    }

    private void OnTargetGone(ChannelDestroyed? destroyed, bool joined)
    {
        TaskCompletionSource<PbxCause?>? answer;
        PbxCause? hint;
        lock (_gate)
        {
            _targetGone = true;
            answer = _targetAnswer;
            hint = _targetCauseHint;
        }

        if (joined)
        {
            End(PbxCause.NormalClearing, "the transferred-to party hung up", hangupFar: true);
            return;
        }

        // Cause 0 before answer is what Asterisk reports for an extension that does not exist (as for the agent's calls).
        var own = destroyed is { Cause: > 0 } d ? PbxCause.FromQ850(d.Cause, d.CauseTxt) : (PbxCause?)null;
        answer?.TrySetResult(hint is { } h && (own is null || own.Value.Q850 == 16) ? h : own ?? PbxCause.Unallocated);
    }

    private void SetTargetCauseHint(PbxCause cause)
    {
        lock (_gate)
        {
            _targetCauseHint ??= cause;
        }
    }

    /// <summary>What the originate's Dial events say about the target (<see cref="AriDialStatus"/>).</summary>
    private void OnTargetDialStatus(string dialstatus)
    {
        if (AriDialStatus.IsRinging(dialstatus))
        {
            lock (_gate)
            {
                _targetRang = true;
            }
        }
        else if (AriDialStatus.CauseHint(dialstatus, TargetRang) is { } cause)
        {
            SetTargetCauseHint(cause);
        }
    }

    private bool TargetRang
    {
        get
        {
            lock (_gate)
            {
                return _targetRang;
            }
        }
    }
}
