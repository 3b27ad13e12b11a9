using System.Net;
using PbxBridge.Net;

namespace PbxBridge.WebRtc.Transport;

/// <summary>A browser leg whose datagrams arrive through the <see cref="SingleUdpPort"/>.</summary>
internal interface ISingleUdpPortLeg
{
    /// <summary>The media loop that owns the leg: its datagrams are handed to it there, never on another thread.</summary>
    MediaEventLoop Loop { get; }

    /// <summary>One datagram from <paramref name="source"/> (kernel arrival on the Stopwatch clock); spans valid during the call only.</summary>
    void OnDatagram(Span<byte> datagram, SocketAddress source, long arrival);
}
