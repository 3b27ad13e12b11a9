using PbxBridge.Sip.Message;
using PbxBridge.Sip.Transport;

namespace PbxBridge.Sip.Transactions;

/// <summary>What the two client state machines share (RFC 3261 §17.1.1.2, §17.1.2.2): the request goes out at once;
/// over UDP a retransmission timer (A, E) starts at T1; a timeout timer (B, F: 64*T1) ends the transaction and
/// reports a 408 to the transaction user. Each kind says when it retransmits and how the interval grows.</summary>
internal abstract class SipClientTransaction : SipTransaction
{
    private readonly Action<SipResponse> _onResponse;
    private readonly string _retransmitTimer;
    private readonly string _timeoutTimer;
    private TimeSpan _interval;

    protected SipClientTransaction(SipTransactionTable table, SipRequest request, ISipFlow flow, Action<SipResponse> onResponse,
        SipTransactionState initial, string retransmitTimer, string timeoutTimer)
        : base(table, ClientKey(request.TopVia!.Branch!, request.Method), flow)
    {
        Request = request;
        _onResponse = onResponse;
        _retransmitTimer = retransmitTimer;
        _timeoutTimer = timeoutTimer;
        State = initial;
    }

    public SipRequest Request { get; }

    public SipTransactionState State { get; protected set; }

    /// <summary>Whether the request still goes out again when the retransmission timer fires.</summary>
    protected abstract bool Retransmits { get; }

    public void Start()
    {
        Send(Request);
        if (!Flow.IsReliable)
        {
            _interval = Timers.T1;
            StartTimer(_retransmitTimer, _interval, Retransmit);
        }

        StartTimer(_timeoutTimer, Timers.TimerB, () =>
        {
            State = SipTransactionState.Terminated;
            Terminate();
            _onResponse(SipResponse.For(Request, 408, "Request Timeout"));
        });
    }

    /// <summary>A response matched to this transaction by branch and CSeq method (§17.1.3).</summary>
    public abstract void OnResponse(SipResponse response);

    /// <summary>The interval after <paramref name="current"/>.</summary>
    protected abstract TimeSpan NextInterval(TimeSpan current);

    protected void Report(SipResponse response) => _onResponse(response);

    protected void StopTimers()
    {
        StopTimer(_retransmitTimer);
        StopTimer(_timeoutTimer);
    }

    private void Retransmit()
    {
        if (!Retransmits)
        {
            return;
        }

        Send(Request);
        _interval = NextInterval(_interval);
        StartTimer(_retransmitTimer, _interval, Retransmit);
    }
}
