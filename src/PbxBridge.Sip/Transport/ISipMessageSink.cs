namespace PbxBridge.Sip.Transport;

/// <summary>Where a transport delivers what it receives: the <see cref="SipStack"/>.</summary>
public interface ISipMessageSink
{
    /// <summary>A new flow exists (a connection was accepted); requests may later be sent over it.</summary>
    void OnFlowOpened(ISipFlow flow);

    /// <summary>One whole SIP message (a WebSocket frame or a datagram). Must not throw.</summary>
    void OnMessageReceived(ISipFlow flow, ReadOnlySpan<byte> data);

    /// <summary>A message over the transport's rate limit: with <paramref name="retryAfterSeconds"/>, a request is
    /// answered 503 with Retry-After; without, or for a response or ACK, it is dropped. Counted either way. Must not throw.</summary>
    void OnMessageRefused(ISipFlow flow, ReadOnlySpan<byte> data, int? retryAfterSeconds);

    /// <summary>The transport is closing the flow because it kept flooding (counted; OnFlowClosed follows).</summary>
    void OnFloodClosed(ISipFlow flow);

    /// <summary>The transport is closing the flow because the peer does not read: its send queue outgrew the bound
    /// (counted; OnFlowClosed follows).</summary>
    void OnSendQueueOverflow(ISipFlow flow);

    /// <summary>The transport is closing the flow because nothing authenticated on it in time (counted; OnFlowClosed
    /// follows).</summary>
    void OnRegistrationDeadlinePassed(ISipFlow flow);

    /// <summary>The flow is gone: registrations on it end, and so do its dialogs.</summary>
    void OnFlowClosed(ISipFlow flow);
}
