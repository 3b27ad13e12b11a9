using PbxBridge.Sip.Message;
using PbxBridge.Sip.Transport;

namespace PbxBridge.Sip.Transactions;

/// <summary>The live transactions of the stack, keyed as RFC 3261 §17.1.3 / §17.2.3 say.</summary>
internal sealed class SipTransactionTable
{
    private readonly Dictionary<string, SipTransaction> _byKey = new(StringComparer.Ordinal);
    private readonly Action<ISipFlow, SipMessage> _send;

    public SipTransactionTable(SipTimerService timerService, Action<ISipFlow, SipMessage> send)
    {
        TimerService = timerService;
        _send = send;
    }

    public SipTimerService TimerService { get; }

    public int Count => _byKey.Count;

    public void Send(ISipFlow flow, SipMessage message) => _send(flow, message);

    public void Add(SipTransaction transaction)
    {
        _byKey[transaction.Key] = transaction;
        TimerService.Counters.TransactionCreated();
    }

    public void Remove(SipTransaction transaction)
    {
        if (_byKey.TryGetValue(transaction.Key, out var existing) && ReferenceEquals(existing, transaction))
        {
            _byKey.Remove(transaction.Key);
            TimerService.Counters.TransactionTerminated();
        }
    }

    public T? Find<T>(string key)
        where T : SipTransaction => _byKey.TryGetValue(key, out var t) ? t as T : null;

    /// <summary>Every transaction on a flow that just died.</summary>
    public List<SipTransaction> OnFlow(ISipFlow flow) => _byKey.Values.Where(t => ReferenceEquals(t.Flow, flow)).ToList();
}
