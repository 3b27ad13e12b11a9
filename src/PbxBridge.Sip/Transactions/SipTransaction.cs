using PbxBridge.Sip.Message;
using PbxBridge.Sip.Transport;

namespace PbxBridge.Sip.Transactions;

/// <summary>What the four RFC 3261 §17 state machines share: a key, a flow, named timers, termination.</summary>
internal abstract class SipTransaction
{
    private readonly List<SipTimer> _timers = [];

    protected SipTransaction(SipTransactionTable table, string key, ISipFlow flow)
    {
        Table = table;
        Key = key;
        Flow = flow;
    }

    public string Key { get; }

    public ISipFlow Flow { get; }

    public bool IsTerminated { get; private set; }

    protected SipTransactionTable Table { get; }

    protected SipTimerValues Timers => Table.TimerService.Values;

    protected void Send(SipMessage message) => Table.Send(Flow, message);

    /// <summary>Starts a named timer; a zero interval means "do it now" (reliable transports).</summary>
    protected void StartTimer(string name, TimeSpan due, Action onFire)
    {
        if (due <= TimeSpan.Zero)
        {
            onFire();
            return;
        }

        SipTimer? timer = null;
        timer = Table.TimerService.Start(name, due, () =>
        {
            _timers.Remove(timer!);
            if (!IsTerminated)
            {
                onFire();
            }
        });
        _timers.Add(timer);
    }

    protected void StopTimer(string name)
    {
        for (var i = _timers.Count - 1; i >= 0; i--)
        {
            if (_timers[i].Name == name)
            {
                _timers[i].Stop();
                _timers.RemoveAt(i);
            }
        }
    }

    public void Terminate()
    {
        if (IsTerminated)
        {
            return;
        }

        IsTerminated = true;
        foreach (var t in _timers)
        {
            t.Stop();
        }

        _timers.Clear();
        Table.Remove(this);
    }

    /// <summary>Server transactions are keyed by the top Via's branch and sent-by plus the method (ACK maps to
    /// INVITE), per RFC 3261 §17.2.3.</summary>
    public static string ServerKey(SipRequest request)
    {
        var via = request.TopVia;
        var method = request.Method == SipMethod.Ack ? SipMethod.Invite : request.Method;
        return "s|" + via?.Branch + "|" + via?.Host + ":" + via?.Port + "|" + method;
    }

    /// <summary>Client transactions: our branch plus the CSeq method (RFC 3261 §17.1.3).</summary>
    public static string ClientKey(string branch, string method) => "c|" + branch + "|" + method;
}
