using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace PbxBridge.Net;

/// <summary>
/// A datagram's source (IP and port, with the IPv6 scope) as a value the single UDP port's address table can hash
/// without allocating: three words read straight from the native sockaddr the kernel filled in. IPv6 flow labels are
/// left out, they may change between packets of one flow.
/// </summary>
public readonly record struct RemoteAddressKey(ulong High, ulong Middle, ulong Low)
{
    // sockaddr_in: family(2) port(2) address(4); sockaddr_in6: family(2) port(2) flowinfo(4) address(16) scope(4).
    public static RemoteAddressKey From(SocketAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        var raw = address.Buffer.Span;
        if (address.Size >= 28 && address.Family == AddressFamily.InterNetworkV6)
        {
            var familyAndPort = BinaryPrimitives.ReadUInt32LittleEndian(raw);
            var scope = BinaryPrimitives.ReadUInt32LittleEndian(raw[24..]);
            return new(((ulong)scope << 32) | familyAndPort, BinaryPrimitives.ReadUInt64LittleEndian(raw[8..]), BinaryPrimitives.ReadUInt64LittleEndian(raw[16..]));
        }

        return new(BinaryPrimitives.ReadUInt64LittleEndian(raw), 0, 0);
    }
}
