using PbxBridge.Sip.Message;
using PbxBridge.Sip.Transport;

namespace PbxBridge.Sip.Transactions;

/// <summary>RFC 3261 §17.1.1 (Figure 5): Calling → Proceeding → Completed → Terminated. Timer A retransmits over
/// UDP, Timer B gives up (408); a non-2xx final is ACKed here with the same branch, Timer D absorbs its
/// retransmissions. A 2xx ends the transaction: the dialog sends that ACK (a new transaction).</summary>
internal sealed class InviteClientTransaction : SipClientTransaction
{
    private SipRequest? _ack;

    public InviteClientTransaction(SipTransactionTable table, SipRequest request, ISipFlow flow, Action<SipResponse> onResponse)
        : base(table, request, flow, onResponse, SipTransactionState.Calling, "Timer A", "Timer B")
    {
    }

    protected override bool Retransmits => State == SipTransactionState.Calling;

    /// <summary>Timer A doubles without the T2 cap (§17.1.1.2).</summary>
    protected override TimeSpan NextInterval(TimeSpan current) => Timers.Backoff(current, capAtT2: false);

    public override void OnResponse(SipResponse response)
    {
        switch (State)
        {
            case SipTransactionState.Calling or SipTransactionState.Proceeding when response.IsProvisional:
                State = SipTransactionState.Proceeding;
                StopTimers();
                Report(response);
                break;
            case SipTransactionState.Calling or SipTransactionState.Proceeding when response.IsSuccess:
                State = SipTransactionState.Terminated;
                Terminate();
                Report(response);
                break;
            case SipTransactionState.Calling or SipTransactionState.Proceeding:
                State = SipTransactionState.Completed;
                StopTimers();
                _ack = BuildAck(response);
                Send(_ack);
                StartTimer("Timer D", Timers.TimerD(Flow.IsReliable), () =>
                {
                    State = SipTransactionState.Terminated;
                    Terminate();
                });
                Report(response);
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
