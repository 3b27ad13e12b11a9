using System.Net;
using System.Runtime.InteropServices;

namespace PbxBridge.Net;

/// <summary>
/// The native memory one recvmmsg(2) / sendmmsg(2) batch works on: <see cref="Capacity"/> <c>mmsghdr</c> headers, each
/// wired once to its own <c>iovec</c>, data slot, address slot and (when asked for) control slot. Allocated once and
/// freed once, so filling a slot or reading one allocates nothing; native rather than pinned managed memory because
/// the kernel holds pointers into it for the whole call. One thread uses it.
/// </summary>
internal sealed unsafe class MultiMessageSlots : IDisposable
{
    /// <summary>sockaddr_in6, the largest address a UDP datagram has.</summary>
    public const int MaxAddressLength = 28;

    private readonly MultiMessage.IoVector* _vectors;
    private readonly byte* _data;
    private readonly byte* _addresses;
    private readonly byte* _control;
    private readonly int _controlSize;

    public MultiMessageSlots(int capacity, int slotSize, int controlSize = 0)
    {
        Capacity = capacity;
        SlotSize = slotSize;
        _controlSize = controlSize;
        Headers = (MultiMessage.Header*)NativeMemory.AllocZeroed((nuint)(capacity * sizeof(MultiMessage.Header)));
        _vectors = (MultiMessage.IoVector*)NativeMemory.AllocZeroed((nuint)(capacity * sizeof(MultiMessage.IoVector)));
        _data = (byte*)NativeMemory.AllocZeroed((nuint)(capacity * slotSize));
        _addresses = (byte*)NativeMemory.AllocZeroed((nuint)(capacity * MaxAddressLength));
        _control = controlSize > 0 ? (byte*)NativeMemory.AllocZeroed((nuint)(capacity * controlSize)) : null;
        for (var i = 0; i < capacity; i++)
        {
            _vectors[i].Base = _data + (i * slotSize);
            _vectors[i].Length = (nuint)slotSize;
            Headers[i].Vector = _vectors + i;
            Headers[i].VectorLength = 1;
            Headers[i].Name = _addresses + (i * MaxAddressLength);
        }
    }

    public int Capacity { get; }

    public int SlotSize { get; }

    /// <summary>The first header, what the system call takes; valid until <see cref="Dispose"/>.</summary>
    public MultiMessage.Header* Headers { get; }

    public bool IsDisposed { get; private set; }

    /// <summary>
    /// Before each recvmmsg: the kernel shrinks every header's address and control lengths to what it wrote (and sets
    /// flags), so they are given back in full, with the whole data slot.
    /// </summary>
    public void PrepareToReceive()
    {
        for (var i = 0; i < Capacity; i++)
        {
            _vectors[i].Length = (nuint)SlotSize;
            Headers[i].NameLength = MaxAddressLength;
            Headers[i].Control = _control == null ? null : _control + (i * _controlSize);
            Headers[i].ControlLength = (nuint)_controlSize;
            Headers[i].Flags = 0;
        }
    }

    /// <summary>Datagram <paramref name="index"/> as recvmmsg left it (truncated to the slot, as recvmsg truncates).</summary>
    public Span<byte> Received(int index) =>
        new(_data + (index * SlotSize), (int)Math.Min(Headers[index].Length, (uint)SlotSize));

    /// <summary>Writes datagram <paramref name="index"/>'s source into <paramref name="source"/> (reused by the caller).</summary>
    public void CopySource(int index, SocketAddress source)
    {
        var length = (int)Math.Min(Headers[index].NameLength, (uint)Math.Min(MaxAddressLength, source.Buffer.Length));
        new ReadOnlySpan<byte>(_addresses + (index * MaxAddressLength), length).CopyTo(source.Buffer.Span);
        source.Size = length;
    }

    /// <summary>Whether <paramref name="length"/> bytes to <paramref name="target"/> fit a slot.</summary>
    public bool Fits(int length, SocketAddress target) => length <= SlotSize && target.Size <= MaxAddressLength;

    /// <summary>
    /// Copies <paramref name="datagram"/> and <paramref name="target"/> (both checked with <see cref="Fits"/>) into
    /// slot <paramref name="index"/> for sendmmsg.
    /// </summary>
    public void Set(int index, ReadOnlySpan<byte> datagram, SocketAddress target)
    {
        datagram.CopyTo(new Span<byte>(_data + (index * SlotSize), SlotSize));
        target.Buffer.Span[..target.Size].CopyTo(new Span<byte>(_addresses + (index * MaxAddressLength), MaxAddressLength));
        _vectors[index].Length = (nuint)datagram.Length;
        Headers[index].NameLength = (uint)target.Size;
    }

    public void Dispose()
    {
        if (IsDisposed)
        {
            return;
        }

        IsDisposed = true;
        NativeMemory.Free(Headers);
        NativeMemory.Free(_vectors);
        NativeMemory.Free(_data);
        NativeMemory.Free(_addresses);
        NativeMemory.Free(_control);
    }
}
