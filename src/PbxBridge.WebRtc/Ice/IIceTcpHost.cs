using System.Net.Sockets;

namespace PbxBridge.WebRtc.Ice;

/// <summary>A browser leg that takes ICE-TCP connections the <see cref="IceUfragDirectory{TLeg}"/> found for it.</summary>
public interface IIceTcpHost
{
    /// <summary>
    /// Takes over <paramref name="socket"/>, whose first RFC 4571 frame (header included) was already read; false
    /// when the leg will not (ended, or at its connection limit), and the caller closes the socket.
    /// </summary>
    bool AdoptTcp(Socket socket, ReadOnlySpan<byte> firstFrame);
}
