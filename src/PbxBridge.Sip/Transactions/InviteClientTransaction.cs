using PbxBridge.Sip.Message;
using PbxBridge.Sip.Transport;

namespace PbxBridge.Sip.Transactions;

/// <summary>RFC 3261 §17.1.1 (Figure 5): Calling → Proceeding → Completed → Terminated. Timer A retransmits over
/// UDP, Timer B gives up (408); a non-2xx final is ACKed here with the same branch, Timer D absorbs its
/// retransmissions. A 2xx ends the transaction: the dialog sends that ACK (a new transaction).</summary>
internal sealed class InviteClientTransaction : SipTransaction
{
    private readonly Action<SipResponse> _onResponse;
    private TimeSpan _timerA;
    private SipRequest? _ack;

    public InviteClientTransaction(SipTransactionTable table, SipRequest request, ISipFlow flow, Action<SipResponse> onResponse)
        : base(table, ClientKey(request.TopVia!.Branch!, request.Method), flow)
    {
        Request = request;
        _onResponse = onResponse;
        State = SipTransactionState.Calling;
    }

    public SipRequest Request { get; }

    public SipTransactionState State { get; private set; }

    public void Start()
    {
        Send(Request);
        if (!Flow.IsReliable)
        {
            _timerA = Timers.T1;
            StartTimer("Timer A", _timerA, Retransmit);
        }

        StartTimer("Timer B", Timers.TimerB, () =>
        {
            State = SipTransactionState.Terminated;
            Terminate();
            _onResponse(SipResponse.For(Request, 408, "Request Timeout"));
        });
    }

    private void Retransmit()
    {
        if (State != SipTransactionState.Calling)
        {
            return;
        }

        Send(Request);
        _timerA = Timers.Backoff(_timerA, capAtT2: false);
        StartTimer("Timer A", _timerA, Retransmit);
    }

    public void OnResponse(SipResponse response)
    {
        switch (State)
        {
            case SipTransactionState.Calling or SipTransactionState.Proceeding when response.IsProvisional:
                State = SipTransactionState.Proceeding;
                StopTimer("Timer A");
                StopTimer("Timer B");
                _onResponse(response);
                break;
            case SipTransactionState.Calling or SipTransactionState.Proceeding when response.IsSuccess:
                State = SipTransactionState.Terminated;
                Terminate();
                _onResponse(response);
                break;
            case SipTransactionState.Calling or SipTransactionState.Proceeding:
                State = SipTransactionState.Completed;
                StopTimer("Timer A");
                StopTimer("Timer B");
                _ack = BuildAck(response);
                Send(_ack);
                StartTimer("Timer D", Timers.TimerD(Flow.IsReliable), () =>
                {
                    State = SipTransactionState.Terminated;
                    Terminate();
                });
                _onResponse(response);
                break;
            case SipTransactionState.Completed when !response.IsProvisional && !response.IsSuccess:
                Send(_ack!);
                break;
        }
    }

    /// <summary>RFC 3261 §17.1.1.3: the ACK for a non-2xx reuses the INVITE's Request-URI, top Via, From, Call-ID,
    /// CSeq number and Route set, with the To (and its tag) of the response.</summary>
    private SipRequest BuildAck(SipResponse response)
    {
        var ack = new SipRequest(SipMethod.Ack, Request.RequestUri);
        ack.Headers.Add(SipHeaderNames.Via, Request.Headers.GetFieldValues(SipHeaderNames.Via)[0]);
        ack.Headers.Add(SipHeaderNames.MaxForwards, "70");
        ack.Headers.Add(SipHeaderNames.From, Request.Headers.Get(SipHeaderNames.From)!);
        ack.Headers.Add(SipHeaderNames.To, response.Headers.Get(SipHeaderNames.To)!);
        ack.Headers.Add(SipHeaderNames.CallId, Request.CallId!);
        ack.Headers.Add(SipHeaderNames.CSeq, new CSeq(Request.CSeq!.Value.Number, SipMethod.Ack).ToString());
        foreach (var route in Request.Headers.GetFieldValues(SipHeaderNames.Route))
        {
            ack.Headers.Add(SipHeaderNames.Route, route);
        }

        return ack;
    }
}
