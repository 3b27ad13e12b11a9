using System.Net;

namespace PbxBridge.WebRtc.Transport;

/// <summary>Where the receive loop hands each datagram after classifying it. Spans are only valid during the call.</summary>
internal interface IDatagramSink
{
    void OnStun(Span<byte> datagram, SocketAddress source);

    void OnDtls(Span<byte> datagram, SocketAddress source);

    void OnRtp(Span<byte> datagram, SocketAddress source);

    void OnRtcp(Span<byte> datagram, SocketAddress source);

    void OnUnknown(Span<byte> datagram, SocketAddress source);
}
