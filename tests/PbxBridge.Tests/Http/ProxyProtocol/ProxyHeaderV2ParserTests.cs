using System.Buffers;
using System.Net;
using System.Text;
using PbxBridge.Http.ProxyProtocol;

namespace PbxBridge.Tests.Http.ProxyProtocol;

/// <summary>
/// The PROXY protocol version 2 header as haproxy's doc/proxy-protocol.txt (section 2.2) lays it out, byte by byte:
/// signature, version/command, family/transport, length (network order), addresses, TLVs.
/// </summary>
public sealed class ProxyHeaderV2ParserTests
{
    private static readonly byte[] Signature = [0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A];

    /// <summary>PROXY (0x21), TCP over IPv4 (0x11), 12 bytes: 192.0.2.10:54321 -> 198.51.100.5:8443.</summary>
    private static readonly byte[] TcpOverIpv4 =
    [
        .. Signature, 0x21, 0x11, 0x00, 0x0C,
        192, 0, 2, 10, 198, 51, 100, 5, 0xD4, 0x31, 0x20, 0xFB,
    ];

    [Fact]
    public void Tcp_over_ipv4_gives_the_client_and_the_address_it_connected_to()
    {
        var header = Complete([.. TcpOverIpv4, .. "GET "u8.ToArray()]);
        Assert.Equal(ProxyCommand.Proxy, header.Command);
        Assert.Equal(new IPEndPoint(IPAddress.Parse("192.0.2.10"), 54321), header.Source);
        Assert.Equal(new IPEndPoint(IPAddress.Parse("198.51.100.5"), 8443), header.Destination);
        Assert.Equal(28, header.Length); // the stream after it ("GET ") is the client's
    }

    [Fact]
    public void Tcp_over_ipv6_reads_the_36_byte_address_block()
    {
        byte[] bytes =
        [
            .. Signature, 0x21, 0x21, 0x00, 0x24,
            .. IPAddress.Parse("2001:db8::17").GetAddressBytes(), .. IPAddress.Parse("2001:db8:1::5").GetAddressBytes(),
            0xC3, 0x50, 0x01, 0xBB,
        ];
        var header = Complete(bytes);
        Assert.Equal(new IPEndPoint(IPAddress.Parse("2001:db8::17"), 50000), header.Source);
        Assert.Equal(new IPEndPoint(IPAddress.Parse("2001:db8:1::5"), 443), header.Destination);
        Assert.Equal(52, header.Length);
    }

    [Fact]
    public void Tlvs_after_the_addresses_are_skipped_and_counted_in_the_length()
    {
        // PP2_TYPE_ALPN (0x01), length 8, "http/1.1": 12 + 11 bytes after the fixed part.
        byte[] bytes = [.. Signature, 0x21, 0x11, 0x00, 0x17, .. TcpOverIpv4.AsSpan(16).ToArray(), 0x01, 0x00, 0x08, .. "http/1.1"u8.ToArray(), 0x16, 0x03];
        var header = Complete(bytes);
        Assert.Equal(new IPEndPoint(IPAddress.Parse("192.0.2.10"), 54321), header.Source);
        Assert.Equal(39, header.Length);
    }

    [Fact]
    public void Local_is_the_front_speaking_for_itself_and_names_no_client()
    {
        // LOCAL (0x20), UNSPEC (0x00), no address block: what a front's own health check may send.
        var header = Complete([.. Signature, 0x20, 0x00, 0x00, 0x00]);
        Assert.Equal(ProxyCommand.Local, header.Command);
        Assert.Null(header.Source);
        Assert.Equal(16, header.Length);

        // LOCAL with addresses: they are ignored, whatever they say.
        byte[] withAddresses = [.. TcpOverIpv4];
        withAddresses[12] = 0x20;
        Assert.Null(Complete(withAddresses).Source);
    }

    [Fact]
    public void Proxy_over_unix_sockets_or_udp_keeps_the_connections_own_addresses()
    {
        Assert.Null(Complete([.. Signature, 0x21, 0x31, 0x00, 0xD8, .. new byte[216]]).Source);
        Assert.Null(Complete([.. Signature, 0x21, 0x12, .. TcpOverIpv4.AsSpan(14).ToArray()]).Source);
    }

    [Fact]
    public void Every_prefix_of_a_valid_header_waits_for_more()
    {
        for (var n = 0; n < TcpOverIpv4.Length; n++)
        {
            Assert.Equal(ProxyParseStatus.NeedMoreData, ProxyHeaderV2Parser.TryParse(new ReadOnlySequence<byte>(TcpOverIpv4, 0, n), out _, out var error));
            Assert.Null(error);
        }
    }

    [Fact]
    public void A_header_split_over_several_segments_reads_the_same()
    {
        var first = new Segment(TcpOverIpv4.AsMemory(0, 5));
        var last = first.Append(TcpOverIpv4.AsMemory(5, 9)).Append(TcpOverIpv4.AsMemory(14));
        var sequence = new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
        Assert.Equal(ProxyParseStatus.Complete, ProxyHeaderV2Parser.TryParse(sequence, out var header, out _));
        Assert.Equal(new IPEndPoint(IPAddress.Parse("192.0.2.10"), 54321), header!.Source);
    }

    [Theory]
    [InlineData("TLS", "a TLS handshake")]
    [InlineData("HTTP", "plain HTTP")]
    [InlineData("V1", "version 1 (text)")]
    public void What_is_not_a_v2_header_is_refused_from_its_first_bytes(string kind, string reason)
    {
        byte[] bytes = kind switch
        {
            "TLS" => [0x16, 0x03, 0x01, 0x02, 0x00],
            "HTTP" => Encoding.ASCII.GetBytes("GET /healthz HTTP/1.1\r\n"),
            _ => Encoding.ASCII.GetBytes("PROXY TCP4 192.0.2.10 198.51.100.5 54321 8443\r\n"),
        };
        Assert.Equal(ProxyParseStatus.Invalid, ProxyHeaderV2Parser.TryParse(new ReadOnlySequence<byte>(bytes), out _, out var error));
        Assert.Contains(reason, error, StringComparison.Ordinal);

        // Refused from the first byte already, without waiting for 16.
        Assert.Equal(ProxyParseStatus.Invalid, ProxyHeaderV2Parser.TryParse(new ReadOnlySequence<byte>(bytes, 0, 1), out _, out _));
    }

    [Theory]
    [InlineData(12, 0x11, "version 1, not 2")]
    [InlineData(12, 0x22, "unknown command 0x2")]
    [InlineData(13, 0x41, "unknown address family/transport 0x41")]
    [InlineData(13, 0x13, "unknown address family/transport 0x13")]
    public void A_wrong_version_command_family_or_transport_is_refused(int offset, byte value, string reason)
    {
        byte[] bytes = [.. TcpOverIpv4];
        bytes[offset] = value;
        Assert.Equal(ProxyParseStatus.Invalid, ProxyHeaderV2Parser.TryParse(new ReadOnlySequence<byte>(bytes), out _, out var error));
        Assert.Equal(reason, error);
    }

    [Fact]
    public void A_length_shorter_than_the_address_block_or_beyond_the_limit_is_refused()
    {
        byte[] shortBlock = [.. Signature, 0x21, 0x11, 0x00, 0x08, 192, 0, 2, 10, 198, 51, 100, 5];
        Assert.Equal(ProxyParseStatus.Invalid, ProxyHeaderV2Parser.TryParse(new ReadOnlySequence<byte>(shortBlock), out _, out var error));
        Assert.Equal("length 8 is shorter than the address block of its family (12)", error);

        // Refused on the fixed part alone: nothing is buffered for a header that could never be accepted.
        byte[] huge = [.. Signature, 0x21, 0x11, 0x08, 0x01];
        Assert.Equal(ProxyParseStatus.Invalid, ProxyHeaderV2Parser.TryParse(new ReadOnlySequence<byte>(huge), out _, out error));
        Assert.Equal("2049 bytes of addresses and TLVs, more than the 2048 accepted", error);
    }

    private static ProxyHeaderV2 Complete(byte[] bytes)
    {
        Assert.Equal(ProxyParseStatus.Complete, ProxyHeaderV2Parser.TryParse(new ReadOnlySequence<byte>(bytes), out var header, out var error));
        Assert.Null(error);
        return header!;
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory) => Memory = memory;

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory) { RunningIndex = RunningIndex + Memory.Length };
            Next = next;
            return next;
        }
    }
}
