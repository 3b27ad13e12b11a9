using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace PbxBridge.WebRtc.Stun;

/// <summary>
/// An IP address and port as (XOR-)MAPPED-ADDRESS carries it (RFC 8489 §14.1, §14.2), kept as raw bytes so
/// a response can be built from a received <see cref="SocketAddress"/> without allocating.
/// </summary>
public readonly struct StunAddress
{
    private const byte FamilyIPv4 = 0x01;
    private const byte FamilyIPv6 = 0x02;

    private readonly UInt128 _address;

    private StunAddress(bool isIPv6, ushort port, UInt128 address)
    {
        IsIPv6 = isIPv6;
        Port = port;
        _address = address;
    }

    public bool IsIPv6 { get; }

    public ushort Port { get; }

    public static StunAddress From(IPEndPoint endPoint)
    {
        ArgumentNullException.ThrowIfNull(endPoint);
        Span<byte> bytes = stackalloc byte[16];
        endPoint.Address.TryWriteBytes(bytes, out var written);
        return new StunAddress(written == 16, (ushort)endPoint.Port, ReadAddress(bytes[..written]));
    }

    /// <summary>Reads port and address out of a socket address (sockaddr_in / sockaddr_in6 layout).</summary>
    public static StunAddress From(SocketAddress socketAddress)
    {
        ArgumentNullException.ThrowIfNull(socketAddress);
        var raw = socketAddress.Buffer.Span;
        var port = BinaryPrimitives.ReadUInt16BigEndian(raw[2..]);
        return socketAddress.Family == AddressFamily.InterNetworkV6
            ? new StunAddress(true, port, ReadAddress(raw.Slice(8, 16)))
            : new StunAddress(false, port, ReadAddress(raw.Slice(4, 4)));
    }

    public IPEndPoint ToEndPoint()
    {
        Span<byte> bytes = stackalloc byte[16];
        BinaryPrimitives.WriteUInt128BigEndian(bytes, _address);
        return new IPEndPoint(new IPAddress(IsIPv6 ? bytes : bytes[12..]), Port);
    }

    /// <summary>Parses an XOR-MAPPED-ADDRESS value: port XOR the cookie's top half, address XOR cookie||tid.</summary>
    public static bool TryReadXored(ReadOnlySpan<byte> value, ReadOnlySpan<byte> transactionId, out StunAddress address)
    {
        address = default;
        if (value.Length < 8 || transactionId.Length != 12)
        {
            return false;
        }

        Span<byte> mask = stackalloc byte[16];
        XorMask(mask, transactionId);
        var port = (ushort)(BinaryPrimitives.ReadUInt16BigEndian(value[2..]) ^ (StunMessage.MagicCookie >> 16));
        var length = value[1] switch
        {
            FamilyIPv4 => 4,
            FamilyIPv6 => 16,
            _ => 0,
        };
        if (length == 0 || value.Length != 4 + length)
        {
            return false;
        }

        Span<byte> bytes = stackalloc byte[16];
        for (var i = 0; i < length; i++)
        {
            bytes[i] = (byte)(value[4 + i] ^ mask[i]);
        }

        address = new StunAddress(length == 16, port, ReadAddress(bytes[..length]));
        return true;
    }

    /// <summary>Writes the XOR-MAPPED-ADDRESS value; returns its length (8 or 20).</summary>
    public int WriteXored(Span<byte> destination, ReadOnlySpan<byte> transactionId)
    {
        Span<byte> mask = stackalloc byte[16];
        XorMask(mask, transactionId);
        Span<byte> bytes = stackalloc byte[16];
        BinaryPrimitives.WriteUInt128BigEndian(bytes, _address);
        var address = IsIPv6 ? bytes : bytes[12..];
        destination[0] = 0;
        destination[1] = IsIPv6 ? FamilyIPv6 : FamilyIPv4;
        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], (ushort)(Port ^ (StunMessage.MagicCookie >> 16)));
        for (var i = 0; i < address.Length; i++)
        {
            destination[4 + i] = (byte)(address[i] ^ mask[i]);
        }

        return 4 + address.Length;
    }

    private static void XorMask(Span<byte> mask, ReadOnlySpan<byte> transactionId)
    {
        BinaryPrimitives.WriteUInt32BigEndian(mask, StunMessage.MagicCookie);
        transactionId.CopyTo(mask[4..]);
    }

    private static UInt128 ReadAddress(ReadOnlySpan<byte> bytes)
    {
        Span<byte> padded = stackalloc byte[16];
        padded.Clear();
        bytes.CopyTo(padded[(16 - bytes.Length)..]);
        return BinaryPrimitives.ReadUInt128BigEndian(padded);
    }
}
