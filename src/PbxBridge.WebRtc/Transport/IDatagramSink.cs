using System.Net;

namespace PbxBridge.WebRtc.Transport;

/// <summary>Where the receive loop hands each datagram after classifying it. Spans are only valid during the call.</summary>
internal interface IDatagramSink
{
    void OnStun(Span<byte> datagram, SocketAddress source);

    void OnDtls(Span<byte> datagram, SocketAddress source);

    /// <summary>An RTP datagram; <paramref name="arrival"/> is when the host received it (Stopwatch clock).</summary>
    void OnRtp(Span<byte> datagram, SocketAddress source, long arrival);

    void OnRtcp(Span<byte> datagram, SocketAddress source);

    void OnUnknown(Span<byte> datagram, SocketAddress source);
}
