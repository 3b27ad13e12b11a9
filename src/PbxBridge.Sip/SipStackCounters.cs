namespace PbxBridge.Sip;

/// <summary>Live gauges and running totals of the SIP stack, for /metrics, the admin API and leak tests.</summary>
public sealed class SipStackCounters
{
    private long _connections;
    private long _dialogs;
    private long _transactions;
    private long _timers;
    private long _parseFailures;
    private long _authFailures;
    private long _messagesReceived;
    private long _messagesSent;
    private long _keepAlives;
    private long _rateLimited;
    private long _floodClosed;
    private long _authThrottled;
    private long _registrationsRefused;
    private long _foreignDialogRequests;
    private long _dialogsMoved;
    private long _sendQueueOverflows;
    private long _unauthenticatedClosed;
    private long _digestUriMismatches;

    public long Connections => Interlocked.Read(ref _connections);

    public long Dialogs => Interlocked.Read(ref _dialogs);

    public long Transactions => Interlocked.Read(ref _transactions);

    public long Timers => Interlocked.Read(ref _timers);

    public long ParseFailures => Interlocked.Read(ref _parseFailures);

    public long AuthFailures => Interlocked.Read(ref _authFailures);

    public long MessagesReceived => Interlocked.Read(ref _messagesReceived);

    public long MessagesSent => Interlocked.Read(ref _messagesSent);

    public long KeepAlives => Interlocked.Read(ref _keepAlives);

    /// <summary>Messages refused because their WebSocket connection was over its message rate.</summary>
    public long MessagesRateLimited => Interlocked.Read(ref _rateLimited);

    /// <summary>WebSocket connections closed (1008) because they kept flooding past the grace.</summary>
    public long ConnectionsClosedForFlooding => Interlocked.Read(ref _floodClosed);

    /// <summary>Requests refused (403 / 429, after a growing delay) because their source kept failing authentication.</summary>
    public long AuthThrottled => Interlocked.Read(ref _authThrottled);

    /// <summary>REGISTERs refused because the agent already had as many registrations as allowed.</summary>
    public long RegistrationsRefused => Interlocked.Read(ref _registrationsRefused);

    /// <summary>Requests (BYE, re-INVITE, CANCEL, ACK...) and responses for a dialog or transaction of an agent that came
    /// from neither its connection nor one the agent registered on: refused with 481 (ACKs and responses dropped).</summary>
    public long ForeignDialogRequests => Interlocked.Read(ref _foreignDialogRequests);

    /// <summary>Dialogs that followed their agent to a new connection (it reconnected mid-call).</summary>
    public long DialogsMoved => Interlocked.Read(ref _dialogsMoved);

    /// <summary>WebSocket connections closed (1008) because their send queue outgrew the bound: the peer did not read.</summary>
    public long ConnectionsClosedForSendQueue => Interlocked.Read(ref _sendQueueOverflows);

    /// <summary>WebSocket connections closed (1008) because nothing authenticated on them before the deadline.</summary>
    public long ConnectionsClosedUnauthenticated => Interlocked.Read(ref _unauthenticatedClosed);

    /// <summary>Requests whose digest uri was not their Request-URI (RFC 2617 §3.2.2.5): 400.</summary>
    public long DigestUriMismatches => Interlocked.Read(ref _digestUriMismatches);

    internal void ConnectionOpened() => Interlocked.Increment(ref _connections);

    internal void ConnectionClosed() => Interlocked.Decrement(ref _connections);

    internal void DialogCreated() => Interlocked.Increment(ref _dialogs);

    internal void DialogTerminated() => Interlocked.Decrement(ref _dialogs);

    internal void TransactionCreated() => Interlocked.Increment(ref _transactions);

    internal void TransactionTerminated() => Interlocked.Decrement(ref _transactions);

    internal void TimerStarted() => Interlocked.Increment(ref _timers);

    internal void TimerStopped() => Interlocked.Decrement(ref _timers);

    internal void ParseFailed() => Interlocked.Increment(ref _parseFailures);

    internal void AuthFailed() => Interlocked.Increment(ref _authFailures);

    internal void MessageReceived() => Interlocked.Increment(ref _messagesReceived);

    internal void MessageSent() => Interlocked.Increment(ref _messagesSent);

    internal void KeepAliveAnswered() => Interlocked.Increment(ref _keepAlives);

    internal void MessageRateLimited() => Interlocked.Increment(ref _rateLimited);

    internal void FloodClosed() => Interlocked.Increment(ref _floodClosed);

    internal void AuthThrottledOnce() => Interlocked.Increment(ref _authThrottled);

    internal void RegistrationRefused() => Interlocked.Increment(ref _registrationsRefused);

    internal void ForeignDialogRequestRefused() => Interlocked.Increment(ref _foreignDialogRequests);

    internal void DialogMoved() => Interlocked.Increment(ref _dialogsMoved);
    internal void SendQueueOverflowed() => Interlocked.Increment(ref _sendQueueOverflows);

    internal void UnauthenticatedClosed() => Interlocked.Increment(ref _unauthenticatedClosed);

    internal void DigestUriMismatched() => Interlocked.Increment(ref _digestUriMismatches);
}
