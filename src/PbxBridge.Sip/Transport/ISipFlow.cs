using System.Net;
using PbxBridge.Sip.Message;

namespace PbxBridge.Sip.Transport;

/// <summary>A path to one peer that requests and responses travel over: a WebSocket connection (RFC 7118) or, for
/// UDP, a remote address on a shared socket. Requests toward a browser go over the flow it registered on
/// (RFC 5626 style), never to its ".invalid" Contact.</summary>
public interface ISipFlow
{
    /// <summary>Unique for the life of the process.</summary>
    string Id { get; }

    IPEndPoint Remote { get; }

    /// <summary>Reliable transports need no retransmissions (RFC 3261 §17: Timers A, E, G not started).</summary>
    bool IsReliable { get; }

    /// <summary>The Via transport token for requests we send on this flow ("WSS", "WS", "UDP").</summary>
    string ViaTransport { get; }

    bool IsOpen { get; }

    /// <summary>Our sent-by (host[:port]) for Via and Contact on this flow, or null for the stack's configured host
    /// (browsers never resolve it; a UDP peer such as FreeSWITCH needs our real address).</summary>
    string? LocalSentBy { get; }

    /// <summary>Queues the message; never blocks and never throws (a dead flow drops it).</summary>
    void Send(SipMessage message);
}
