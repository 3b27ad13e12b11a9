using PbxBridge.Calls.Pbx;
using PbxBridge.FreeSwitch.Sip;
using PbxBridge.Sip.Message;

namespace PbxBridge.FreeSwitch;

/// <summary>
/// An agent's call into FreeSWITCH: our INVITE to sip:&lt;number&gt;@&lt;pbxbridge profile&gt;. 180 maps to ringing,
/// SDP in 183/200 to media, 200 to answered, a failure to its Q.850 cause (Reason header, else the SIP status).
/// </summary>
internal sealed class FreeSwitchOutboundLeg : IPbxLeg, ISipUdpCallObserver
{
    private readonly TaskCompletionSource _placed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Action<FreeSwitchOutboundLeg> _onEnded;
    private FreeSwitchChannel? _channel;

    public FreeSwitchOutboundLeg(IPbxLegObserver observer, Action<FreeSwitchOutboundLeg> onEnded)
    {
        Relay = new PbxLegRelay(observer);
        _onEnded = onEnded;
    }

    public PbxLegRelay Relay { get; }

    public FreeSwitchChannel Channel
    {
        get => _channel ?? throw new InvalidOperationException("leg not started");
        set => _channel = value;
    }

    public string PbxId => Channel.PbxId;

    public IReadOnlyDictionary<string, string> Details => Channel.Details;

    /// <summary>Completes when FreeSWITCH accepted the call (18x or 2xx); fails with the mapped cause otherwise.</summary>
    public Task Placed => _placed.Task;

    public async Task HangupAsync(PbxCause cause, CancellationToken cancellationToken)
    {
        _placed.TrySetException(new PbxCallFailedException(cause, "the call was hung up while FreeSWITCH was setting it up"));
        if (Relay.Hangup(cause))
        {
            _onEnded(this);
        }

        await Channel.Sip.HangupAsync(FreeSwitchHangupCause.ToReasonHeader(cause), cancellationToken).ConfigureAwait(false);
    }

    public Task SendDtmfAsync(char digit, TimeSpan duration, CancellationToken cancellationToken) => Channel.SendDtmfAsync(digit, duration, cancellationToken);

    public Task HoldAsync(CancellationToken cancellationToken) => Channel.HoldAsync(cancellationToken);

    public Task UnholdAsync(CancellationToken cancellationToken) => Channel.UnholdAsync(cancellationToken);

    public Task TransferAsync(string destination, CancellationToken cancellationToken) => Channel.TransferAsync(destination, cancellationToken);

    public Task JoinAsync(IPbxLeg other, CancellationToken cancellationToken) => Channel.JoinAsync(FreeSwitchChannel.Of(other), cancellationToken);

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
        if (response.StatusCode == 180)
        {
            Relay.Ringing();
        }

        // pre_answer (and a bridge to a far end with early media) sends 183 with SDP: its RTP is meant to be heard.
        if (ReportMedia(Channel.Sip.RemoteSdp) && response.StatusCode == 183 && response.Body.Length > 0)
        {
            Relay.EarlyMedia();
        }

        if (response.StatusCode is 180 or 183)
        {
            _placed.TrySetResult();
        }
    }

    void ISipUdpCallObserver.OnConfirmed(SipMessage message)
    {
        if (!ReportMedia(Channel.Sip.RemoteSdp) && !Relay.HasEnded)
        {
            // FreeSWITCH answered without a PCMU stream we can use; same cause it reports itself (transcript 07).
            var cause = FreeSwitchHangupCause.FromName("INCOMPATIBLE_DESTINATION");
            _placed.TrySetException(new PbxCallFailedException(cause, "FreeSWITCH answered without PCMU audio"));
            _ = HangupAsync(cause, CancellationToken.None);
            return;
        }

        Relay.Answered();
        _placed.TrySetResult();
    }

    void ISipUdpCallObserver.OnFailed(SipResponse response)
    {
        var cause = FreeSwitchHangupCause.TryParseReason(response.Headers.Get(SipHeaderNames.Reason), out var reason)
            ? reason
            : FreeSwitchHangupCause.FromSipStatus(response.StatusCode);
        var failure = new PbxCallFailedException(cause, $"FreeSWITCH answered {response.StatusCode} {response.ReasonPhrase} ({cause})");
        if (!_placed.Task.IsCompleted)
        {
            // Reported by PlaceCallAsync's exception; the leg never existed for the Calls room.
            _onEnded(this);
            _placed.TrySetException(failure);
            return;
        }

        if (Relay.Hangup(cause))
        {
            _onEnded(this);
        }
    }

    void ISipUdpCallObserver.OnRemoteHold(bool held) => Relay.PbxHold(held);

    void ISipUdpCallObserver.OnRemoteEnded(SipRequest request)
    {
        var cause = Channel.HangupCause
            ?? (FreeSwitchHangupCause.TryParseReason(request.Headers.Get(SipHeaderNames.Reason), out var reason) ? reason : PbxCause.NormalClearing);
        if (Relay.Hangup(cause))
        {
            _onEnded(this);
        }
    }

    private bool ReportMedia(string? sdp)
    {
        if (sdp is null || !PcmuSdp.TryParse(sdp, out var remote, out var pcmu, out _) || !pcmu)
        {
            return false;
        }

        Relay.MediaReady(new PbxMediaAnswer(remote, PbxCodec.Pcmu, PcmuSdp.TelephoneEventPayloadTypeOf(sdp)));
        return true;
    }
}
