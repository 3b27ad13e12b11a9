using System.Text.RegularExpressions;
using PbxBridge.Calls;
using PbxBridge.Calls.Pbx;
using PbxBridge.FreeSwitch.Sip;
using PbxBridge.Sip.Message;

namespace PbxBridge.FreeSwitch;

/// <summary>
/// FreeSWITCH calling a browser agent: its INVITE for sip:agent-&lt;id&gt;@pbxbridge (the shipped dialplan's bridge).
/// Ring is a 180, answer a 200 with our SDP (retransmitted until ACK), reject a final response with a Q.850 Reason.
/// </summary>
internal sealed partial class FreeSwitchInboundCall : InboundPbxCall, ISipUdpCallObserver
{
    private readonly Action<FreeSwitchInboundCall> _onEnded;
    private readonly TaskCompletionSource _acked = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private FreeSwitchChannel? _channel;

    public FreeSwitchInboundCall(SipRequest invite, string agentId, Action<FreeSwitchInboundCall> onEnded)
    {
        _onEnded = onEnded;
        AgentId = agentId;
        var from = invite.From;
        // A withheld caller reaches the agent as anonymous (the INVITE toward the browser says so for an empty number).
        var privacy = CallerPrivacy.Of(invite);
        CallerNumber = privacy.HideNumber ? string.Empty : from?.Uri?.User ?? string.Empty;
        CallerName = privacy.HideName ? string.Empty : from?.DisplayName?.Trim('"') ?? string.Empty;
    }

    public PbxLegRelay Relay { get; } = new();

    public FreeSwitchChannel Channel
    {
        get => _channel ?? throw new InvalidOperationException("call not accepted");
        set => _channel = value;
    }

    public override string PbxId => Channel.PbxId;

    public override IReadOnlyDictionary<string, string> Details => Channel.Details;

    public override string AgentId { get; }

    public override string CallerNumber { get; }

    public override string CallerName { get; }

    /// <summary>The agent id of "sip:agent-1001@..." (or the X-PbxBridge-Agent header the dialplan sets), or null.</summary>
    public static string? ParseAgentId(SipRequest invite)
    {
        ArgumentNullException.ThrowIfNull(invite);
        var user = invite.RequestSipUri?.User;
        if (user is not null && AgentUser().Match(user) is { Success: true } match)
        {
            return match.Groups[1].Value;
        }

        var header = invite.Headers.Get("X-PbxBridge-Agent")?.Trim();
        return header is { Length: > 0 } && AgentIdSyntax().IsMatch(header) ? header : null;
    }

    public override void Attach(IPbxLegObserver observer) => Relay.Attach(observer);

    public override Task RingAsync(CancellationToken cancellationToken)
    {
        Channel.Sip.SendProvisional(180, "Ringing");
        return Task.CompletedTask;
    }

    public override async Task AnswerAsync(PbxMediaOffer media, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(media);
        if (Relay.HasEnded)
        {
            throw new PbxCallFailedException(PbxCause.OriginatorCancel, "FreeSWITCH cancelled the call before the agent answered");
        }

        if (media.Codec != PbxCodec.Pcmu || Channel.Sip.RemoteSdp is not { } offer
            || !PcmuSdp.TryParse(offer, out var remote, out var pcmu, out _) || !pcmu)
        {
            var cause = FreeSwitchHangupCause.FromName("INCOMPATIBLE_DESTINATION");
            await RejectAsync(cause, cancellationToken).ConfigureAwait(false);
            throw new PbxCallFailedException(cause, "FreeSWITCH's offer has no PCMU stream (or a codec other than PCMU was asked for)");
        }

        Channel.Sip.Answer(media.LocalRtp);
        Relay.MediaReady(new PbxMediaAnswer(remote, PbxCodec.Pcmu, PcmuSdp.TelephoneEventPayloadTypeOf(offer)));

        // The ACK normally follows within milliseconds; the 200 is retransmitted meanwhile.
        await _acked.Task.WaitAsync(Channel.Sip.IsEnded ? TimeSpan.Zero : TimeSpan.FromSeconds(5), cancellationToken)
            .ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default).ConfigureAwait(false);
    }

    public override Task RejectAsync(PbxCause cause, CancellationToken cancellationToken)
    {
        var (status, phrase) = SipCauseMapping.ToSipResponse(cause);
        Channel.Sip.Reject(status, phrase, FreeSwitchHangupCause.ToReasonHeader(cause));
        if (Relay.Hangup(cause))
        {
            _onEnded(this);
        }

        return Task.CompletedTask;
    }

    public override async Task HangupAsync(PbxCause cause, CancellationToken cancellationToken)
    {
        if (!Channel.Sip.HasSentFinalResponse)
        {
            await RejectAsync(cause, cancellationToken).ConfigureAwait(false);
            return;
        }

        if (Relay.Hangup(cause))
        {
            _onEnded(this);
        }

        await Channel.Sip.HangupAsync(FreeSwitchHangupCause.ToReasonHeader(cause), cancellationToken).ConfigureAwait(false);
    }

    public override Task SendDtmfAsync(char digit, TimeSpan duration, CancellationToken cancellationToken) => Channel.SendDtmfAsync(digit, duration, cancellationToken);

    public override Task HoldAsync(CancellationToken cancellationToken) => Channel.HoldAsync(cancellationToken);

    public override Task UnholdAsync(CancellationToken cancellationToken) => Channel.UnholdAsync(cancellationToken);

    public override Task TransferAsync(string destination, CancellationToken cancellationToken) => Channel.TransferAsync(destination, cancellationToken);

    public override Task JoinAsync(IPbxLeg other, CancellationToken cancellationToken) => Channel.JoinAsync(FreeSwitchChannel.Of(other), cancellationToken);

    /// <summary>FreeSWITCH reported CHANNEL_HANGUP_COMPLETE but its BYE never reached us: end our side too.</summary>
    public void OnChannelGone(PbxCause cause)
    {
        if (Relay.Hangup(cause))
        {
            _onEnded(this);
            _ = Channel.Sip.HangupAsync(FreeSwitchHangupCause.ToReasonHeader(cause), CancellationToken.None);
        }
    }

    void ISipUdpCallObserver.OnProvisional(SipResponse response)
    {
    }

    void ISipUdpCallObserver.OnConfirmed(SipMessage message)
    {
        _acked.TrySetResult();
        Relay.Answered();
    }

    void ISipUdpCallObserver.OnFailed(SipResponse response)
    {
        _acked.TrySetResult();
        if (Relay.Hangup(PbxCause.NormalTemporaryFailure))
        {
            _onEnded(this);
        }
    }

    void ISipUdpCallObserver.OnRemoteHold(bool held) => Relay.PbxHold(held);

    void ISipUdpCallObserver.OnRemoteEnded(SipRequest request)
    {
        _acked.TrySetResult();
        var fallback = request.Method == SipMethod.Cancel ? PbxCause.OriginatorCancel : PbxCause.NormalClearing;
        var cause = Channel.HangupCause
            ?? (FreeSwitchHangupCause.TryParseReason(request.Headers.Get(SipHeaderNames.Reason), out var reason) ? reason : fallback);
        if (Relay.Hangup(cause))
        {
            _onEnded(this);
        }
    }

    [GeneratedRegex(@"^agent-([A-Za-z0-9_]+)$")]
    private static partial Regex AgentUser();

    [GeneratedRegex(@"^[A-Za-z0-9_]+$")]
    private static partial Regex AgentIdSyntax();
}
