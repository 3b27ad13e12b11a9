using PbxBridge.Sip.Message;
using PbxBridge.Sip.Transport;

namespace PbxBridge.Sip.Transactions;

/// <summary>RFC 3261 §17.2.2 (Figure 8): Trying → Proceeding → Completed → Terminated. Absorbs request
/// retransmissions by resending the last response; Timer J keeps it around that long over UDP.</summary>
internal sealed class NonInviteServerTransaction : SipTransaction
{
    private SipResponse? _lastResponse;

    public NonInviteServerTransaction(SipTransactionTable table, SipRequest request, ISipFlow flow)
        : base(table, ServerKey(request), flow)
    {
        Request = request;
        State = SipTransactionState.Trying;
    }

    public SipRequest Request { get; }

    public SipTransactionState State { get; private set; }

    public void OnRetransmission()
    {
        if (_lastResponse is not null)
        {
            Send(_lastResponse);
        }
    }

    public void Respond(SipResponse response)
    {
        if (State is SipTransactionState.Completed or SipTransactionState.Terminated)
        {
            return;
        }

        _lastResponse = response;
        Send(response);
        if (response.IsProvisional)
        {
            State = SipTransactionState.Proceeding;
            return;
        }

        State = SipTransactionState.Completed;
        StartTimer("Timer J", Timers.TimerJ(Flow.IsReliable), () =>
        {
            State = SipTransactionState.Terminated;
            Terminate();
        });
    }
}
