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

    /// <summary>RFC 3261 §9.1: a CANCEL copies the INVITE's Request-URI, top Via (so it reaches the same server
    /// transaction), From, To, Call-ID, CSeq number and Route set; it may be sent once a provisional response came.</summary>
    public SipRequest CreateCancel() => Derive(SipMethod.Cancel, Request.Headers.Get(SipHeaderNames.To)!);

    /// <summary>RFC 3261 §17.1.1.3: the ACK for a non-2xx reuses the INVITE's Request-URI, top Via, From, Call-ID,
    /// CSeq number and Route set, with the To (and its tag) of the response.</summary>
    private SipRequest BuildAck(SipResponse response) => Derive(SipMethod.Ack, response.Headers.Get(SipHeaderNames.To)!);

    private SipRequest Derive(string method, string to)
    {
        var request = new SipRequest(method, Request.RequestUri);
        request.Headers.Add(SipHeaderNames.Via, Request.Headers.GetFieldValues(SipHeaderNames.Via)[0]);
        request.Headers.Add(SipHeaderNames.MaxForwards, "70");
        request.Headers.Add(SipHeaderNames.From, Request.Headers.Get(SipHeaderNames.From)!);
        request.Headers.Add(SipHeaderNames.To, to);
        request.Headers.Add(SipHeaderNames.CallId, Request.CallId!);
        request.Headers.Add(SipHeaderNames.CSeq, new CSeq(Request.CSeq!.Value.Number, method).ToString());
        foreach (var route in Request.Headers.GetFieldValues(SipHeaderNames.Route))
        {
            request.Headers.Add(SipHeaderNames.Route, route);
        }

        return request;
    }
}
