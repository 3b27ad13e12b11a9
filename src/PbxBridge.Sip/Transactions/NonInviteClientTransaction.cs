using PbxBridge.Sip.Message;
using PbxBridge.Sip.Transport;

namespace PbxBridge.Sip.Transactions;

/// <summary>RFC 3261 §17.1.2 (Figure 6): Trying → Proceeding → Completed → Terminated. Timer E retransmits over
/// UDP, Timer F gives up (reported as a 408), Timer K absorbs response retransmissions.</summary>
internal sealed class NonInviteClientTransaction : SipTransaction
{
    private readonly Action<SipResponse> _onResponse;
    private TimeSpan _timerE;

    public NonInviteClientTransaction(SipTransactionTable table, SipRequest request, ISipFlow flow, Action<SipResponse> onResponse)
        : base(table, ClientKey(request.TopVia!.Branch!, request.Method), flow)
    {
        Request = request;
        _onResponse = onResponse;
        State = SipTransactionState.Trying;
    }

    public SipRequest Request { get; }

    public SipTransactionState State { get; private set; }

    public void Start()
    {
        Send(Request);
        if (!Flow.IsReliable)
        {
            _timerE = Timers.T1;
            StartTimer("Timer E", _timerE, Retransmit);
        }

        StartTimer("Timer F", Timers.TimerF, () =>
        {
            State = SipTransactionState.Terminated;
            Terminate();
            _onResponse(SipResponse.For(Request, 408, "Request Timeout"));
        });
    }

    private void Retransmit()
    {
        if (State is not (SipTransactionState.Trying or SipTransactionState.Proceeding))
        {
            return;
        }

        Send(Request);
        _timerE = State == SipTransactionState.Proceeding ? Timers.T2 : Timers.Backoff(_timerE, capAtT2: true);
        StartTimer("Timer E", _timerE, Retransmit);
    }

    public void OnResponse(SipResponse response)
    {
        if (State is SipTransactionState.Completed or SipTransactionState.Terminated)
        {
            return;
        }

        if (response.IsProvisional)
        {
            State = SipTransactionState.Proceeding;
            _onResponse(response);
            return;
        }

        State = SipTransactionState.Completed;
        StopTimer("Timer E");
        StopTimer("Timer F");
        StartTimer("Timer K", Timers.TimerK(Flow.IsReliable), () =>
        {
            State = SipTransactionState.Terminated;
            Terminate();
        });
        _onResponse(response);
    }
}
