using PbxBridge.Sip.Message;
using PbxBridge.Sip.Transactions;
using PbxBridge.Sip.Transport;

namespace PbxBridge.Sip.Dialogs;

/// <summary>
/// RFC 3261 §13.3.1.4: the 2xx to an INVITE ends its server transaction, so the UAS core itself retransmits it (T1,
/// doubling to T2) over an unreliable flow until the ACK comes, and gives the session up when none came within 64*T1.
/// </summary>
internal sealed class SipAnswerRetransmission
{
    private readonly SipCore _core;
    private readonly ISipFlow _flow;
    private readonly SipResponse _ok;
    private SipTimer? _retransmit;
    private SipTimer? _ackWait;

    private SipAnswerRetransmission(SipCore core, ISipFlow flow, SipResponse ok)
    {
        _core = core;
        _flow = flow;
        _ok = ok;
    }

    /// <summary>Starts after <paramref name="ok"/> was sent once; <paramref name="onAckTimeout"/> runs when Timer H
    /// (64*T1) passes without <see cref="Stop"/>.</summary>
    public static SipAnswerRetransmission Start(SipCore core, ISipFlow flow, SipResponse ok, Action onAckTimeout)
    {
        var retransmission = new SipAnswerRetransmission(core, flow, ok);
        if (!flow.IsReliable)
        {
            retransmission.Retransmit(core.Timers.Values.T1);
        }

        retransmission._ackWait = core.Timers.Start("Timer H (2xx)", core.Timers.Values.TimerH, () =>
        {
            retransmission._ackWait = null;
            retransmission.Stop();
            onAckTimeout();
        });
        return retransmission;
    }

    /// <summary>The ACK came (or the call ended): no more retransmissions, no timeout.</summary>
    public void Stop()
    {
        _ackWait?.Stop();
        _ackWait = null;
        _retransmit?.Stop();
        _retransmit = null;
    }

    /// <summary>The INVITE came again: answer it with the 2xx now, the schedule goes on as it was.</summary>
    public void SendNow() => _core.Send(_flow, _ok);

    private void Retransmit(TimeSpan interval)
    {
        _retransmit = _core.Timers.Start("2xx retransmit", interval, () =>
        {
            SendNow();
            Retransmit(_core.Timers.Values.Backoff(interval, capAtT2: true));
        });
    }
}
