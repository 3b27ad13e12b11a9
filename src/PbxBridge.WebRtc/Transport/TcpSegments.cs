using System.Runtime.InteropServices;

namespace PbxBridge.WebRtc.Transport;

/// <summary>
/// Non-blocking recv/send on a TCP descriptor, for ICE-TCP on the media loop: the loop's epoll says when to read,
/// so every call is MSG_DONTWAIT and "nothing there" is a return value, not an exception. The socket stays in the
/// mode .NET gave it (a TLS connection told apart on the HTTPS port goes on to Kestrel unchanged), and no .NET
/// asynchronous operation is ever started on an ICE-TCP socket: that would register it with the runtime's own
/// epoll thread, which would then wake for every packet the media loop already reads.
/// </summary>
internal static partial class TcpSegments
{
    /// <summary>Nothing to read, or no room in the kernel's send buffer.</summary>
    public const int WouldBlock = -1;

    /// <summary>The connection failed (reset, timed out); the caller closes it.</summary>
    public const int Failed = -2;

    private const int MsgPeek = 0x02;
    private const int MsgDontwait = 0x40;
    private const int MsgNosignal = 0x4000;
    private const int Eagain = 11;
    private const int Eintr = 4;

    /// <summary>Bytes read (0 = the peer closed its side), <see cref="WouldBlock"/> or <see cref="Failed"/>.</summary>
    public static unsafe int Receive(int descriptor, Span<byte> buffer)
    {
        fixed (byte* data = buffer)
        {
            return Result(recv(descriptor, data, (nuint)buffer.Length, MsgDontwait));
        }
    }

    /// <summary>As <see cref="Receive"/>, leaving the bytes queued for whoever reads the socket next.</summary>
    public static unsafe int Peek(int descriptor, Span<byte> buffer)
    {
        fixed (byte* data = buffer)
        {
            return Result(recv(descriptor, data, (nuint)buffer.Length, MsgDontwait | MsgPeek));
        }
    }

    /// <summary>Bytes the kernel took (possibly fewer than given), <see cref="WouldBlock"/> or <see cref="Failed"/>.</summary>
    public static unsafe int Send(int descriptor, ReadOnlySpan<byte> data)
    {
        fixed (byte* bytes = data)
        {
            // MSG_NOSIGNAL: a peer that reset the connection must not raise SIGPIPE in the whole process.
            return Result(send(descriptor, bytes, (nuint)data.Length, MsgDontwait | MsgNosignal));
        }
    }

    private static int Result(nint result)
    {
        if (result >= 0)
        {
            return (int)result;
        }

        var errno = Marshal.GetLastPInvokeError();
        return errno is Eagain or Eintr ? WouldBlock : Failed;
    }

    [LibraryImport("libc", SetLastError = true)]
    private static unsafe partial nint recv(int sockfd, byte* buf, nuint len, int flags);

    [LibraryImport("libc", SetLastError = true)]
    private static unsafe partial nint send(int sockfd, byte* buf, nuint len, int flags);
}
