using System.Net;
using PbxBridge.Sip.Message;

namespace PbxBridge.FreeSwitch.Sip;

/// <summary>
/// A client transaction over UDP (RFC 3261 §17.1): the request is retransmitted on Timer A/E (T1, doubling; capped at
/// T2 for non-INVITE) until a response arrives; INVITE stops retransmitting on the first provisional response.
/// Timer B/F (64*T1) without any response completes it with a synthetic 408.
/// </summary>
internal sealed class SipClientTransaction
{
    private readonly SipRequest _request;
    private readonly IPEndPoint _remote;
    private readonly SipUdpTransport _transport;
    private readonly SipUdpTimers _timers;
    private readonly Action<SipResponse>? _onProvisional;
    private readonly TaskCompletionSource<SipResponse> _final = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _retransmit = new();
    private int _gotResponse;

    public SipClientTransaction(SipRequest request, IPEndPoint remote, SipUdpTransport transport, SipUdpTimers timers, Action<SipResponse>? onProvisional)
    {
        _request = request;
        _remote = remote;
        _transport = transport;
        _timers = timers;
        _onProvisional = onProvisional;
        Branch = request.TopVia?.Branch ?? throw new ArgumentException("request has no Via branch", nameof(request));
    }

    public string Branch { get; }

    public SipRequest Request => _request;

    public bool IsInvite => _request.Method == SipMethod.Invite;

    /// <summary>The final response (or a synthetic 408 on Timer B/F).</summary>
    public Task<SipResponse> Final => _final.Task;

    public void Start()
    {
        _ = RunAsync();
    }

    /// <summary>A response whose top Via branch and CSeq method match this transaction (§17.1.3).</summary>
    public void OnResponse(SipResponse response)
    {
        Interlocked.Exchange(ref _gotResponse, 1);
        if (response.IsProvisional)
        {
            if (IsInvite)
            {
                _retransmit.Cancel();
            }

            if (!_final.Task.IsCompleted)
            {
                _onProvisional?.Invoke(response);
            }

            return;
        }

        _retransmit.Cancel();
        _final.TrySetResult(response);
    }

    public void Abandon()
    {
        _retransmit.Cancel();
        _final.TrySetCanceled();
    }

    private async Task RunAsync()
    {
        var interval = _timers.T1;
        var deadline = DateTime.UtcNow + _timers.TransactionTimeout;
        await _transport.SendAsync(_request, _remote, CancellationToken.None).ConfigureAwait(false);
        try
        {
            while (DateTime.UtcNow < deadline)
            {
                await Task.Delay(interval, _retransmit.Token).ConfigureAwait(false);
                await _transport.SendAsync(_request, _remote, CancellationToken.None).ConfigureAwait(false);
                interval = IsInvite ? interval * 2 : TimeSpan.FromTicks(Math.Min((interval * 2).Ticks, _timers.T2.Ticks));
            }
        }
        catch (OperationCanceledException)
        {
            // A response arrived. An INVITE in Proceeding has no timer (§17.1.1.2): FreeSWITCH's originate_timeout
            // or our CANCEL ends it.
            return;
        }

        if (Volatile.Read(ref _gotResponse) == 0)
        {
            var timeout = SipResponse.For(_request, 408, "Request Timeout");
            _final.TrySetResult(timeout);
        }
    }
}
