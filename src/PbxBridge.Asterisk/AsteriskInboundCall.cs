using PbxBridge.Asterisk.Ari;
using PbxBridge.Calls.Pbx;

namespace PbxBridge.Asterisk;

/// <summary>
/// A dialplan channel that entered Stasis(app,agent=ID). Ring = POST ring; answer = answer + externalMedia + bridge;
/// reject = hangup with the cause (20 when the agent has no registered browser, at once).
/// </summary>
internal sealed class AsteriskInboundCall : InboundPbxCall
{
    private readonly AsteriskCall _call;
    private readonly AsteriskPbx _pbx;

    public AsteriskInboundCall(AsteriskCall call, AsteriskPbx pbx, string agentId, string callerNumber, string callerName)
    {
        _call = call;
        _pbx = pbx;
        AgentId = agentId;
        CallerNumber = callerNumber;
        CallerName = callerName;
    }

    public override string PbxId => _call.FarChannelId;

    public override IReadOnlyDictionary<string, string> Details => _call.Details;

    public override string AgentId { get; }

    public override string CallerNumber { get; }

    public override string CallerName { get; }

    public override void Attach(IPbxLegObserver observer) => _call.Attach(observer);

    public override async Task RingAsync(CancellationToken cancellationToken)
    {
        await _pbx.Client.RingAsync(_call.FarChannelId, cancellationToken).ConfigureAwait(false);
        _call.RaiseRinging();
    }

    public override async Task AnswerAsync(PbxMediaOffer media, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(media);
        try
        {
            await _pbx.Client.AnswerAsync(_call.FarChannelId, cancellationToken).ConfigureAwait(false);
            var remote = await _pbx.CreateMediaAsync(_call, media, cancellationToken).ConfigureAwait(false);
            await _pbx.Client.AddChannelAsync(_call.BridgeId, [_call.FarChannelId], cancellationToken).ConfigureAwait(false);
            if (_call.IsEnded)
            {
                throw new PbxCallFailedException(_call.EndCause ?? PbxCause.NormalClearing, "the caller hung up while the agent answered");
            }

            _call.RaiseMediaReady(remote, media.Codec);
            _call.RaiseAnswered();
            _ = _pbx.RunAsync(() => _pbx.FollowHoldBehindLocalAsync(_call), "follow the hold behind " + _call.FarChannelId);
        }
        catch (Exception e) when (e is AriException or HttpRequestException or OperationCanceledException)
        {
            _call.End(PbxCause.NormalTemporaryFailure, "answer failed: " + e.Message, hangupFar: true);
            await _call.Cleanup.ConfigureAwait(false);
            throw new PbxCallFailedException(PbxCause.NormalTemporaryFailure, "Asterisk failed to connect the answered call: " + e.Message, e);
        }
    }

    public override Task RejectAsync(PbxCause cause, CancellationToken cancellationToken) => _call.HangupAsync(cause, cancellationToken);

    public override Task HangupAsync(PbxCause cause, CancellationToken cancellationToken) => _call.HangupAsync(cause, cancellationToken);

    public override Task SendDtmfAsync(char digit, TimeSpan duration, CancellationToken cancellationToken) => _call.SendDtmfAsync(digit, duration, cancellationToken);

    public override Task HoldAsync(CancellationToken cancellationToken) => _call.HoldAsync(cancellationToken);

    public override Task UnholdAsync(CancellationToken cancellationToken) => _call.UnholdAsync(cancellationToken);

    internal AsteriskCall Call => _call;

    public override Task TransferAsync(string destination, CancellationToken cancellationToken) => _call.TransferAsync(destination, cancellationToken);

    public override Task JoinAsync(IPbxLeg other, CancellationToken cancellationToken) => _call.JoinAsync(AsteriskCall.Of(other), cancellationToken);
}
