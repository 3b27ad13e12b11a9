using PbxBridge.Sip.Message;
using PbxBridge.Sip.Transport;

namespace PbxBridge.Sip.Transactions;

/// <summary>RFC 3261 §17.2.1 (Figure 7): Proceeding → Completed → Confirmed → Terminated. A 2xx ends the
/// transaction at once (the dialog retransmits it until the ACK); a non-2xx final is retransmitted on Timer G
/// over UDP and waits for its ACK for Timer H.</summary>
internal sealed class InviteServerTransaction : SipTransaction
{
    private SipResponse? _lastResponse;
    private TimeSpan _timerG;

    public InviteServerTransaction(SipTransactionTable table, SipRequest request, ISipFlow flow)
        : base(table, ServerKey(request), flow)
    {
        Request = request;
        State = SipTransactionState.Proceeding;
    }

    public SipRequest Request { get; }

    public SipTransactionState State { get; private set; }

    /// <summary>Raised when Timer H fires: the ACK for our non-2xx final never came.</summary>
    public Action? AckTimedOut { get; set; }

    public bool HasFinalResponse => _lastResponse is { IsProvisional: false };

    public void OnRetransmission()
    {
        if (_lastResponse is not null && State is SipTransactionState.Proceeding or SipTransactionState.Completed)
        {
            Send(_lastResponse);
        }
    }

    public void Respond(SipResponse response)
    {
        if (State != SipTransactionState.Proceeding)
        {
            return;
        }

        _lastResponse = response;
        Send(response);
        if (response.IsProvisional)
        {
            return;
        }

        if (response.IsSuccess)
        {
            State = SipTransactionState.Terminated;
            Terminate();
            return;
        }

        State = SipTransactionState.Completed;
        if (!Flow.IsReliable)
        {
            _timerG = Timers.T1;
            StartTimer("Timer G", _timerG, RetransmitFinal);
        }

        StartTimer("Timer H", Timers.TimerH, () =>
        {
            State = SipTransactionState.Terminated;
            Terminate();
            AckTimedOut?.Invoke();
        });
    }

    private void RetransmitFinal()
    {
        if (State != SipTransactionState.Completed)
        {
            return;
        }

        Send(_lastResponse!);
        _timerG = Timers.Backoff(_timerG, capAtT2: true);
        StartTimer("Timer G", _timerG, RetransmitFinal);
    }

    public void OnAck()
    {
        if (State != SipTransactionState.Completed)
        {
            return;
        }

        State = SipTransactionState.Confirmed;
        StopTimer("Timer G");
        StopTimer("Timer H");
        StartTimer("Timer I", Timers.TimerI(Flow.IsReliable), () =>
        {
            State = SipTransactionState.Terminated;
            Terminate();
        });
    }
}
