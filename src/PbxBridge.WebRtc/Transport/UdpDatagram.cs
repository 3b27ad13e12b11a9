using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace PbxBridge.WebRtc.Transport;

/// <summary>
/// Reads one datagram without blocking, straight into the caller's buffer and <see cref="SocketAddress"/> (whose
/// buffer is the native sockaddr): no allocation, no exception for "nothing there", no async machinery. Used on the
/// media loop's thread after epoll said the socket is readable.
/// </summary>
public static partial class UdpDatagram
{
    /// <summary>Returned by <see cref="TryReceiveFrom"/> when no datagram is queued.</summary>
    public const int NothingQueued = -1;

    /// <summary>Returned by <see cref="TryReceiveFrom"/> for an error the socket survives (an ICMP unreachable reported on it).</summary>
    public const int Error = -2;

    private const int MsgDontwait = 0x40;
    private const int Eagain = 11;
    private const int Eintr = 4;

    /// <summary>The descriptor the kernel knows the socket by (valid while the socket is open).</summary>
    public static int DescriptorOf(Socket socket)
    {
        ArgumentNullException.ThrowIfNull(socket);
        return (int)socket.SafeHandle.DangerousGetHandle();
    }

    /// <summary>
    /// The datagram's length, or <see cref="NothingQueued"/> or <see cref="Error"/>.
    /// A datagram longer than the buffer is truncated, as recvfrom does.
    /// </summary>
    public static unsafe int TryReceiveFrom(int descriptor, Span<byte> buffer, SocketAddress source)
    {
        ArgumentNullException.ThrowIfNull(source);
        var addressSpan = source.Buffer.Span;
        var addressLength = (uint)addressSpan.Length;
        nint received;
        fixed (byte* data = buffer)
        fixed (byte* address = addressSpan)
        {
            received = recvfrom(descriptor, data, (nuint)buffer.Length, MsgDontwait, address, &addressLength);
        }

        if (received >= 0)
        {
            source.Size = (int)Math.Min(addressLength, (uint)addressSpan.Length);
            return (int)received;
        }

        var errno = Marshal.GetLastPInvokeError();
        return errno is Eagain or Eintr ? NothingQueued : Error;
    }

    [LibraryImport("libc", SetLastError = true)]
    private static unsafe partial nint recvfrom(int sockfd, byte* buf, nuint len, int flags, byte* srcAddr, uint* addrlen);
}
