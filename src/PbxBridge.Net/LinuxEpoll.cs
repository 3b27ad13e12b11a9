using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace PbxBridge.Net;

/// <summary>
/// The three epoll(7) calls the media loop needs, level-triggered, with a 64-bit cookie per descriptor. The kernel's
/// <c>struct epoll_event</c> is packed (12 bytes) on x86 and x86-64 and naturally aligned (16 bytes) elsewhere, so
/// events are read from a byte buffer at the right stride instead of through a struct that would be wrong on one of them.
/// </summary>
internal static partial class LinuxEpoll
{
    private const int EpollCloexec = 0x80000;
    private const int EpollCtlAdd = 1;
    private const int EpollCtlDel = 2;
    private const uint EpollIn = 0x001;
    private const int Eintr = 4;

    public static readonly int EventSize =
        RuntimeInformation.ProcessArchitecture is Architecture.X64 or Architecture.X86 ? 12 : 16;

    private static readonly int DataOffset = EventSize == 12 ? 4 : 8;

    public static int Create()
    {
        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("The media loop uses epoll: PbxBridge's media runs on Linux only.");
        }

        var fd = epoll_create1(EpollCloexec);
        return fd >= 0 ? fd : throw new IOException($"epoll_create1 failed: errno {Marshal.GetLastPInvokeError()}");
    }

    /// <summary>Watches <paramref name="fd"/> for readability; <paramref name="cookie"/> comes back with each event.</summary>
    public static unsafe void AddReadable(int epoll, int fd, ulong cookie)
    {
        var ev = stackalloc byte[16];
        BinaryPrimitives.WriteUInt32LittleEndian(new Span<byte>(ev, 4), EpollIn);
        BinaryPrimitives.WriteUInt64LittleEndian(new Span<byte>(ev + DataOffset, 8), cookie);
        if (epoll_ctl(epoll, EpollCtlAdd, fd, ev) != 0)
        {
            throw new IOException($"epoll_ctl(ADD, {fd}) failed: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    /// <summary>Stops watching; a descriptor already closed or never added is not an error here.</summary>
    public static unsafe void Remove(int epoll, int fd)
    {
        var ev = stackalloc byte[16];
        _ = epoll_ctl(epoll, EpollCtlDel, fd, ev);
    }

    /// <summary>Waits up to <paramref name="timeoutMilliseconds"/>; returns the number of events in <paramref name="events"/> (0 on EINTR).</summary>
    public static unsafe int Wait(int epoll, Span<byte> events, int timeoutMilliseconds)
    {
        int count;
        fixed (byte* buffer = events)
        {
            count = epoll_wait(epoll, buffer, events.Length / EventSize, timeoutMilliseconds);
        }

        if (count >= 0)
        {
            return count;
        }

        var errno = Marshal.GetLastPInvokeError();
        // The runtime interrupts threads with signals (GC suspension): that is a wake-up with nothing to do.
        return errno == Eintr ? 0 : throw new IOException($"epoll_wait failed: errno {errno}");
    }

    public static ulong CookieAt(ReadOnlySpan<byte> events, int index) =>
        BinaryPrimitives.ReadUInt64LittleEndian(events.Slice((index * EventSize) + DataOffset, 8));

    public static void Close(int epoll) => _ = close(epoll);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int epoll_create1(int flags);

    [LibraryImport("libc", SetLastError = true)]
    private static unsafe partial int epoll_ctl(int epfd, int op, int fd, byte* ev);

    [LibraryImport("libc", SetLastError = true)]
    private static unsafe partial int epoll_wait(int epfd, byte* events, int maxevents, int timeout);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int close(int fd);
}
