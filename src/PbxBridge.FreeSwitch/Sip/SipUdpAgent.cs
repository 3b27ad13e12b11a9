using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.Logging;
using PbxBridge.Sip.Message;

namespace PbxBridge.FreeSwitch.Sip;

/// <summary>
/// PbxBridge's minimal SIP user agent toward FreeSWITCH's pbxbridge profile: routes responses to client transactions
/// by Via branch (§17.1.3), requests to calls by Call-ID, answers out-of-dialog OPTIONS (FreeSWITCH's gateway ping
/// marks us DOWN otherwise) and hands new INVITEs to <see cref="IncomingInvite"/>.
/// </summary>
internal sealed partial class SipUdpAgent : IAsyncDisposable
{
    private readonly SipUdpTransport _transport;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, SipClientTransaction> _transactions = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, SipUdpCall> _calls = new(StringComparer.Ordinal);

    public SipUdpAgent(SipUdpTransport transport, IPEndPoint freeSwitch, SipUdpTimers timers, ILogger logger)
    {
        _transport = transport;
        FreeSwitch = freeSwitch;
        Timers = timers;
        _logger = logger;
    }

    /// <summary>A new INVITE from FreeSWITCH (not a retransmission, no To tag). Runs on the receive task.</summary>
    public Action<SipRequest, IPEndPoint>? IncomingInvite { get; set; }

    public IPEndPoint FreeSwitch { get; }

    public IPEndPoint LocalEndPoint => _transport.LocalEndPoint;

    public SipUdpTimers Timers { get; }

    public int ActiveCalls => _calls.Count;

    public void Start() => _transport.Start(OnMessage);

    public string ContactFor(string addressHeader)
    {
        var user = NameAddr.TryParse(addressHeader, out var address, out _) ? address!.Uri?.User : null;
        return $"<sip:{user ?? "pbxbridge"}@{SipUdpDialog.Format(LocalEndPoint)}>";
    }

    public void Register(SipUdpCall call) => _calls[call.Dialog.CallId] = call;

    /// <summary>Keeps a finished call around for 64*T1 so retransmissions still find it (§17.2.1 Timer H / §13.3.1.4).</summary>
    public void ForgetLater(SipUdpCall call)
    {
        _ = Task.Delay(Timers.TransactionTimeout).ContinueWith(_ => _calls.TryRemove(new KeyValuePair<string, SipUdpCall>(call.Dialog.CallId, call)), TaskScheduler.Default);
    }

    public SipClientTransaction StartTransaction(SipRequest request, IPEndPoint remote, Action<SipResponse>? onProvisional)
    {
        var transaction = new SipClientTransaction(request, remote, _transport, Timers, onProvisional);
        _transactions[transaction.Branch + "|" + request.Method] = transaction;
        _ = transaction.Final.ContinueWith(
            _ => Task.Delay(Timers.TransactionTimeout).ContinueWith(__ => _transactions.TryRemove(transaction.Branch + "|" + request.Method, out SipClientTransaction? ___), TaskScheduler.Default),
            TaskScheduler.Default);
        transaction.Start();
        return transaction;
    }

    public Task SendAsync(SipMessage message, IPEndPoint remote) => _transport.SendAsync(message, remote, CancellationToken.None);

    public async ValueTask DisposeAsync()
    {
        foreach (var transaction in _transactions.Values)
        {
            transaction.Abandon();
        }

        await _transport.DisposeAsync().ConfigureAwait(false);
    }

    private void OnMessage(SipMessage message, IPEndPoint remote)
    {
        switch (message)
        {
            case SipResponse response:
                OnResponse(response);
                break;
            case SipRequest request:
                OnRequest(request, remote);
                break;
            default:
                break;
        }
    }

    private void OnResponse(SipResponse response)
    {
        var key = response.TopVia?.Branch + "|" + response.CSeq?.Method;
        if (_transactions.TryGetValue(key, out var transaction))
        {
            if (transaction.Final.IsCompleted && response.CallId is { } id && _calls.TryGetValue(id, out var call))
            {
                call.OnRetransmitted2xx(response);
                return;
            }

            transaction.OnResponse(response);
            return;
        }

        if (response.CallId is { } callId && _calls.TryGetValue(callId, out var known))
        {
            known.OnRetransmitted2xx(response);
            return;
        }

        LogStrayResponse(_logger, response.StatusCode, response.CallId ?? "-");
    }

    private void OnRequest(SipRequest request, IPEndPoint remote)
    {
        if (request.CallId is not { } callId || request.CSeq is null || request.TopVia is null)
        {
            if (request.Method != SipMethod.Ack)
            {
                _ = SendAsync(SipResponse.For(request, 400, "Bad Request"), remote);
            }

            return;
        }

        if (_calls.TryGetValue(callId, out var call))
        {
            call.OnRequest(request, remote);
            return;
        }

        switch (request.Method)
        {
            case SipMethod.Invite when request.To?.Tag is null:
                if (IncomingInvite is { } handler)
                {
                    handler(request, remote);
                }
                else
                {
                    _ = SendAsync(SipResponse.For(request, 503, "Service Unavailable"), remote);
                }

                break;
            case SipMethod.Options:
                var ok = SipResponse.For(request, 200, "OK", SipUdpDialog.NewTag());
                ok.Headers.Add(SipHeaderNames.Allow, "INVITE, ACK, BYE, CANCEL, OPTIONS");
                ok.Headers.Add(SipHeaderNames.Accept, "application/sdp");
                _ = SendAsync(ok, remote);
                break;
            case SipMethod.Ack:
                break;
            default:
                _ = SendAsync(SipResponse.For(request, 481, "Call/Transaction Does Not Exist"), remote);
                break;
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "SIP/UDP response {Status} for unknown transaction (Call-ID {CallId}) dropped")]
    private static partial void LogStrayResponse(ILogger logger, int status, string callId);
}
