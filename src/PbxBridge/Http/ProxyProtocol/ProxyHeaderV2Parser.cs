using System.Buffers;
using System.Buffers.Binary;
using System.Net;

namespace PbxBridge.Http.ProxyProtocol;

/// <summary>
/// Reads a PROXY protocol version 2 header (haproxy's doc/proxy-protocol.txt, section 2.2) from the start of a
/// connection: the 12-byte signature, version 2 and a command, the address family and transport, the length of what
/// follows (network byte order), then the addresses and any TLVs, which are skipped. Nothing is consumed until the
/// whole header is there; anything malformed is refused with the reason, never guessed at.
/// </summary>
public static class ProxyHeaderV2Parser
{
    /// <summary>Signature, version/command, family/transport, length.</summary>
    public const int FixedLength = 16;

    /// <summary>
    /// The most this reader accepts after the fixed part: the largest address block (AF_UNIX, 216) with room for the
    /// TLVs a front adds (ALPN, authority, SSL details). The format allows 65535; a header this large is not from a
    /// front we configured.
    /// </summary>
    public const int MaxVariableLength = 2048;

    private const byte Version2 = 0x20;
    private const byte FamilyUnspecified = 0x0;
    private const byte FamilyInet = 0x1;
    private const byte FamilyInet6 = 0x2;
    private const byte FamilyUnix = 0x3;
    private const byte TransportUnspecified = 0x0;
    private const byte TransportStream = 0x1;
    private const byte TransportDatagram = 0x2;
    private const int Inet4AddressBlock = 12;
    private const int Inet6AddressBlock = 36;
    private const int UnixAddressBlock = 216;

    /// <summary>\r\n\r\n\0\r\nQUIT\n: cannot start an HTTP request, a TLS record or a v1 ("PROXY ") header.</summary>
    public static ReadOnlySpan<byte> Signature => [0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A];

    /// <summary>
    /// <see cref="ProxyParseStatus.Complete"/> with the header (its <see cref="ProxyHeaderV2.Length"/> bytes are the
    /// header, the rest is the client's stream), <see cref="ProxyParseStatus.NeedMoreData"/> when what is there is a
    /// valid beginning, or <see cref="ProxyParseStatus.Invalid"/> with <paramref name="error"/>.
    /// </summary>
    public static ProxyParseStatus TryParse(ReadOnlySequence<byte> buffer, out ProxyHeaderV2? header, out string? error)
    {
        header = null;
        error = null;
        Span<byte> fixedPart = stackalloc byte[FixedLength];
        var available = (int)Math.Min(buffer.Length, FixedLength);
        buffer.Slice(0, available).CopyTo(fixedPart);

        // A wrong first byte is refused at once: a client speaking TLS or HTTP straight to the node sends no more.
        var signatureSeen = Math.Min(available, Signature.Length);
        if (!fixedPart[..signatureSeen].SequenceEqual(Signature[..signatureSeen]))
        {
            error = fixedPart[..signatureSeen].StartsWith("PROXY"u8)
                ? "a PROXY protocol version 1 (text) header: the front must send version 2 (HAProxy: send-proxy-v2)"
                : $"no PROXY protocol version 2 signature (first byte 0x{fixedPart[0]:X2}: {Describe(fixedPart[0])})";
            return ProxyParseStatus.Invalid;
        }

        if (available < FixedLength)
        {
            return ProxyParseStatus.NeedMoreData;
        }

        var versionCommand = fixedPart[12];
        if ((versionCommand & 0xF0) != Version2)
        {
            error = $"version {versionCommand >> 4}, not 2";
            return ProxyParseStatus.Invalid;
        }

        var command = versionCommand & 0x0F;
        if (command > (int)ProxyCommand.Proxy)
        {
            error = $"unknown command 0x{command:X}";
            return ProxyParseStatus.Invalid;
        }

        var family = (byte)(fixedPart[13] >> 4);
        var transport = (byte)(fixedPart[13] & 0x0F);
        if (family > FamilyUnix || transport > TransportDatagram)
        {
            error = $"unknown address family/transport 0x{fixedPart[13]:X2}";
            return ProxyParseStatus.Invalid;
        }

        var length = BinaryPrimitives.ReadUInt16BigEndian(fixedPart[14..]);
        if (length > MaxVariableLength)
        {
            error = $"{length} bytes of addresses and TLVs, more than the {MaxVariableLength} accepted";
            return ProxyParseStatus.Invalid;
        }

        var addressBlock = family switch
        {
            FamilyInet => Inet4AddressBlock,
            FamilyInet6 => Inet6AddressBlock,
            FamilyUnix => UnixAddressBlock,
            _ => 0,
        };
        if (length < addressBlock)
        {
            error = $"length {length} is shorter than the address block of its family ({addressBlock})";
            return ProxyParseStatus.Invalid;
        }

        if (buffer.Length < FixedLength + length)
        {
            return ProxyParseStatus.NeedMoreData;
        }

        // LOCAL: the front speaking for itself; the addresses, if any, are to be ignored (section 2.2). PROXY over
        // anything but TCP/IPv4 or TCP/IPv6 carries no address a client of ours could have: keep the real ones.
        if (command == (int)ProxyCommand.Local || transport != TransportStream || family is FamilyUnspecified or FamilyUnix)
        {
            header = new ProxyHeaderV2((ProxyCommand)command, null, null, FixedLength + length);
            return ProxyParseStatus.Complete;
        }

        Span<byte> addresses = stackalloc byte[Inet6AddressBlock];
        buffer.Slice(FixedLength, addressBlock).CopyTo(addresses);
        var addressLength = family == FamilyInet ? 4 : 16;
        var source = new IPAddress(addresses[..addressLength]);
        var destination = new IPAddress(addresses.Slice(addressLength, addressLength));
        var ports = addresses[(2 * addressLength)..];
        header = new ProxyHeaderV2(
            ProxyCommand.Proxy,
            new IPEndPoint(source, BinaryPrimitives.ReadUInt16BigEndian(ports)),
            new IPEndPoint(destination, BinaryPrimitives.ReadUInt16BigEndian(ports[2..])),
            FixedLength + length);
        return ProxyParseStatus.Complete;
    }

    private static string Describe(byte first) => first switch
    {
        0x16 => "a TLS handshake: the front does not send the PROXY protocol (HAProxy: send-proxy-v2 on the server lines)",
        (byte)'G' or (byte)'P' or (byte)'H' => "plain HTTP",
        _ => "not a PROXY header",
    };
}
