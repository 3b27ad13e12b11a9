using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace PbxBridge.Net;

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

    private const int SolSocket = 1;
    private const int SoTimestampns = 35;
    private const int ControlBufferSize = 64;
    private static readonly long UnixEpochTicks = DateTime.UnixEpoch.Ticks;

    /// <summary>The descriptor the kernel knows the socket by (valid while the socket is open).</summary>
    public static int DescriptorOf(Socket socket)
    {
        ArgumentNullException.ThrowIfNull(socket);
        return (int)socket.SafeHandle.DangerousGetHandle();
    }

    /// <summary>
    /// The datagram's length, or <see cref="NothingQueued"/> or <see cref="Error"/>.
    /// A datagram longer than the buffer is truncated, as recvmsg does.
    /// </summary>
    public static int TryReceiveFrom(int descriptor, Span<byte> buffer, SocketAddress source) =>
        TryReceiveFrom(descriptor, buffer, source, out _);

    /// <summary>
    /// Asks the kernel to stamp each datagram's arrival (SO_TIMESTAMPNS), read back by the <c>arrival</c> overload of
    /// <see cref="TryReceiveFrom(int, Span{byte}, SocketAddress, out long)"/>. A jitter buffer needs when a packet
    /// reached the host, not when a busy loop got to it: stamped in user space, a packet that waited behind a tick
    /// pass looked like network jitter and the buffer grew for nothing (seen under load: 20 -> 60 ms held).
    /// </summary>
    public static unsafe void EnableArrivalTimestamps(Socket socket)
    {
        var on = 1;
        if (setsockopt(DescriptorOf(socket), SolSocket, SoTimestampns, &on, sizeof(int)) != 0)
        {
            throw new IOException($"setsockopt(SO_TIMESTAMPNS) failed: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    /// <summary>
    /// The datagram's length (truncated to the buffer, as recvmsg does), or <see cref="NothingQueued"/> or
    /// <see cref="Error"/>; <paramref name="arrival"/> is when the kernel received the datagram, on the
    /// <see cref="Stopwatch"/> clock (now, when the socket has no timestamps on). One recvmsg serves both overloads.
    /// </summary>
    public static unsafe int TryReceiveFrom(int descriptor, Span<byte> buffer, SocketAddress source, out long arrival)
    {
        ArgumentNullException.ThrowIfNull(source);
        var addressSpan = source.Buffer.Span;
        var control = stackalloc byte[ControlBufferSize];
        nint received;
        // An mmsghdr's first part is the msghdr recvmsg takes: one layout (MultiMessage) for the single and batched calls.
        MultiMessage.Header header;
        fixed (byte* data = buffer)
        fixed (byte* address = addressSpan)
        {
            var vector = new MultiMessage.IoVector { Base = data, Length = (nuint)buffer.Length };
            header = new MultiMessage.Header
            {
                Name = address,
                NameLength = (uint)addressSpan.Length,
                Vector = &vector,
                VectorLength = 1,
                Control = control,
                ControlLength = ControlBufferSize,
            };
            received = recvmsg(descriptor, &header, MultiMessage.MsgDontwait);
        }

        var now = Stopwatch.GetTimestamp();
        if (received < 0)
        {
            arrival = now;
            var errno = Marshal.GetLastPInvokeError();
            return errno is MultiMessage.Eagain or MultiMessage.Eintr ? NothingQueued : Error;
        }

        source.Size = (int)Math.Min(header.NameLength, (uint)addressSpan.Length);
        arrival = now - AgeInStopwatchTicks(control, header.ControlLength);
        return (int)received;
    }

    // The kernel's stamp is CLOCK_REALTIME; only the packet's age is taken from it (microseconds to milliseconds, so
    // a clock step between the two readings is the only error, and it is bounded to zero age below).
    internal static unsafe long AgeInStopwatchTicks(byte* control, nuint controlLength)
    {
        var offset = 0;
        while (offset + sizeof(ControlMessageHeader) <= (int)controlLength)
        {
            var message = (ControlMessageHeader*)(control + offset);
            if (message->Length < (nuint)sizeof(ControlMessageHeader))
            {
                break;
            }

            if (message->Level == SolSocket && message->Type == SoTimestampns)
            {
                var stamp = (TimeSpecification*)(control + offset + sizeof(ControlMessageHeader));
                var stampNanoseconds = (stamp->Seconds * 1_000_000_000L) + stamp->Nanoseconds;
                var nowNanoseconds = (DateTime.UtcNow.Ticks - UnixEpochTicks) * 100;
                var ageNanoseconds = Math.Clamp(nowNanoseconds - stampNanoseconds, 0, 1_000_000_000L);
                return ageNanoseconds * Stopwatch.Frequency / 1_000_000_000L;
            }

            offset += (int)((message->Length + 7) & ~(nuint)7);
        }

        return 0;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct ControlMessageHeader
    {
        public nuint Length;
        public int Level;
        public int Type;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpecification
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [LibraryImport("libc", SetLastError = true)]
    private static unsafe partial nint recvmsg(int sockfd, MultiMessage.Header* msg, int flags);

    [LibraryImport("libc", SetLastError = true)]
    private static unsafe partial int setsockopt(int sockfd, int level, int optname, void* optval, uint optlen);

}
