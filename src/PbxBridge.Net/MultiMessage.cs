using System.Runtime.InteropServices;

namespace PbxBridge.Net;

/// <summary>
/// The kernel's <c>struct mmsghdr</c> (a <c>struct msghdr</c> and the byte count the call filled in) and
/// <c>struct iovec</c> for sendmmsg(2) and recvmmsg(2), with the two calls; recvmsg(2) takes the same header (its
/// <c>struct msghdr</c> part). Laid out as glibc on 64-bit Linux.
/// </summary>
internal static partial class MultiMessage
{
    public const int MsgDontwait = 0x40;
    public const int Eagain = 11;
    public const int Eintr = 4;

    [StructLayout(LayoutKind.Sequential)]
    public unsafe struct IoVector
    {
        public byte* Base;
        public nuint Length;
    }

    [StructLayout(LayoutKind.Sequential)]
    public unsafe struct Header
    {
        public byte* Name;
        public uint NameLength;
        public IoVector* Vector;
        public nuint VectorLength;
        public byte* Control;
        public nuint ControlLength;
        public int Flags;

        // struct msghdr ends here, padded to 56 bytes; msg_len follows it, and the whole is 64.
        private readonly int _msghdrPadding;
        public uint Length;
    }

    [LibraryImport("libc", SetLastError = true)]
    public static unsafe partial int sendmmsg(int sockfd, Header* msgvec, uint vlen, int flags);

    [LibraryImport("libc", SetLastError = true)]
    public static unsafe partial int recvmmsg(int sockfd, Header* msgvec, uint vlen, int flags, void* timeout);
}
