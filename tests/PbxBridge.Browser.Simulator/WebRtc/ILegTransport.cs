using System.Net;

namespace PbxBridge.Browser.Simulator.WebRtc;

/// <summary>
/// What carries one browser leg's packets (STUN, DTLS, SRTP) to the media server: a connected UDP socket
/// (<see cref="UdpLegTransport"/>) or an ICE-TCP connection with RFC 4571 framing (<see cref="IceTcpLegTransport"/>).
/// Sends come from several threads (the pacer, the DTLS handshake, ICE checks) and never throw.
/// </summary>
internal interface ILegTransport : IDisposable
{
    /// <summary>"udp" or "tcp", as the report names it.</summary>
    string Name { get; }

    /// <summary>The address to put in our offer's host candidate (the UDP socket's; TCP offers the same, unused).</summary>
    IPEndPoint LocalEndPoint { get; }

    Task ConnectAsync(IPEndPoint remote, CancellationToken cancellationToken);

    void Send(ReadOnlySpan<byte> packet);

    /// <summary>The next whole packet into <paramref name="buffer"/>; 0 = nothing usable this time (try again). Throws
    /// <see cref="OperationCanceledException"/>, <see cref="ObjectDisposedException"/> or an I/O error once over.</summary>
    ValueTask<int> ReceiveAsync(Memory<byte> buffer, CancellationToken cancellationToken);
}
