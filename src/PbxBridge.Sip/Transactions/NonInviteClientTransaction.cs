using PbxBridge.Sip.Message;
using PbxBridge.Sip.Transport;

namespace PbxBridge.Sip.Transactions;

/// <summary>RFC 3261 §17.1.2 (Figure 6): Trying → Proceeding → Completed → Terminated. Timer E retransmits over
/// UDP, Timer F gives up (reported as a 408), Timer K absorbs response retransmissions.</summary>
internal sealed class NonInviteClientTransaction : SipClientTransaction
{
    public NonInviteClientTransaction(SipTransactionTable table, SipRequest request, ISipFlow flow, Action<SipResponse> onResponse)
        : base(table, request, flow, onResponse, SipTransactionState.Trying, "Timer E", "Timer F")
    {
    }

    protected override bool Retransmits => State is SipTransactionState.Trying or SipTransactionState.Proceeding;

    /// <summary>Timer E doubles up to T2, and stays at T2 once a provisional response came (§17.1.2.2).</summary>
    protected override TimeSpan NextInterval(TimeSpan current) =>
        State == SipTransactionState.Proceeding ? Timers.T2 : Timers.Backoff(current, capAtT2: true);

    public override void OnResponse(SipResponse response)
    {
        if (State is SipTransactionState.Completed or SipTransactionState.Terminated)
        {
            return;
        }

        if (response.IsProvisional)
        {
            State = SipTransactionState.Proceeding;
            Report(response);
            return;
        }

        State = SipTransactionState.Completed;
        StopTimers();
        StartTimer("Timer K", Timers.TimerK(Flow.IsReliable), () =>
        {
            State = SipTransactionState.Terminated;
            Terminate();
        });
        Report(response);
    }
}
