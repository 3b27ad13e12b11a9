using System.Runtime.InteropServices;

namespace PbxBridge.Net;

/// <summary>
/// eventfd(2): a counter another thread can make readable, so one media loop can wake another from its epoll wait
/// (the single UDP port's reader handing a leg's datagrams to the loop that owns the leg). Non-blocking.
/// </summary>
public static partial class LinuxEventFd
{
    private const int EfdCloexec = 0x80000;
    private const int EfdNonblock = 0x800;

    public static int Create()
    {
        var fd = eventfd(0, EfdCloexec | EfdNonblock);
        return fd >= 0 ? fd : throw new IOException($"eventfd failed: errno {Marshal.GetLastPInvokeError()}");
    }

    /// <summary>Adds one to the counter: the descriptor becomes readable (a full counter is already readable).</summary>
    public static unsafe void Signal(int fd)
    {
        ulong one = 1;
        _ = write(fd, &one, sizeof(ulong));
    }

    /// <summary>Reads the counter back to zero: the descriptor stops being readable until the next signal.</summary>
    public static unsafe void Reset(int fd)
    {
        ulong value;
        _ = read(fd, &value, sizeof(ulong));
    }

    public static void Close(int fd) => _ = close(fd);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int eventfd(uint initval, int flags);

    [LibraryImport("libc", SetLastError = true)]
    private static unsafe partial nint write(int fd, void* buffer, nuint count);

    [LibraryImport("libc", SetLastError = true)]
    private static unsafe partial nint read(int fd, void* buffer, nuint count);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int close(int fd);
}
