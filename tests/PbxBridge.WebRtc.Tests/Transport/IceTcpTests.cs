using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging.Abstractions;
using PbxBridge.Net;
using PbxBridge.WebRtc.Dtls;
using PbxBridge.WebRtc.Ice;
using PbxBridge.WebRtc.Stun;
using PbxBridge.WebRtc.Transport;

namespace PbxBridge.WebRtc.Tests.Transport;

/// <summary>
/// ICE-TCP (RFC 6544) over real loopback TCP: the opener reads a connection's first RFC 4571 frame, finds the leg by
/// the check's USERNAME and hands the connection over; the leg answers on the same connection, framed, and media
/// to an address nominated over TCP goes back over TCP. A TLS ClientHello is handed on unread.
/// </summary>
public sealed partial class IceTcpTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);
    private static readonly DtlsCertificate Certificate = DtlsCertificate.Generate();
    private static int _nextPortBlock;

    [Fact]
    public async Task A_framed_check_on_a_new_connection_reaches_its_leg_and_is_answered_framed_on_that_connection()
    {
        await using var leg = await Leg.StartAsync();
        using var client = await leg.ConnectAsync();
        var check = leg.Browser.CreateCheck(password: leg.Password, username: $"{leg.Ufrag}:browser", useCandidate: true);

        await SendFrameAsync(client, check);
        var response = await ReadFrameAsync(client);

        Assert.True(StunMessage.TryParse(response, out var message));
        Assert.Equal(StunMessageType.BindingSuccessResponse, message.MessageType);
        Assert.True(message.VerifyMessageIntegrity(System.Text.Encoding.UTF8.GetBytes(leg.Password)));
        Assert.True(message.TryGetAttribute(StunAttributeType.XorMappedAddress, out _));
        var statistics = leg.Endpoint.Statistics;
        Assert.Equal(1, statistics.IceTcpConnections);
        Assert.Equal("tcp", statistics.SelectedProtocol);
        Assert.Equal(client.LocalEndPoint, statistics.SelectedRemote);
        Assert.Equal(1, leg.Opener.Adopted);
    }

    [Fact]
    public async Task A_check_for_a_ufrag_no_leg_owns_gets_the_connection_closed_without_an_answer()
    {
        await using var leg = await Leg.StartAsync();
        using var client = await leg.ConnectAsync();

        await SendFrameAsync(client, leg.Browser.CreateCheck(password: leg.Password, username: "nobody:browser"));

        var buffer = new byte[64];
        using var timeout = new CancellationTokenSource(Patience);
        Assert.Equal(0, await client.ReceiveAsync(buffer, SocketFlags.None, timeout.Token));
        Assert.Equal(0, leg.Endpoint.Statistics.IceTcpConnections);
        Assert.Equal(1, leg.Opener.Refused);
    }

    [Fact]
    public async Task On_the_https_port_a_tls_client_hello_is_handed_on_with_its_first_byte_unread()
    {
        using var opener = new IceTcpOpener(new IceUfragDirectory<IIceTcpHost>(), NullLogger.Instance);
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen();
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await client.ConnectAsync(listener.LocalEndPoint!);
        var accepted = await listener.AcceptAsync();
        var handed = new TaskCompletionSource<Socket>(TaskCreationOptions.RunContinuationsAsynchronously);

        opener.Admit(accepted, socket => handed.SetResult(socket));
        await client.SendAsync(new byte[] { 0x16, 0x03, 0x01, 0x00, 0x05 });

        using var tls = await handed.Task.WaitAsync(Patience);
        var buffer = new byte[5];
        var read = 0;
        while (read < buffer.Length)
        {
            read += await tls.ReceiveAsync(buffer.AsMemory(read), SocketFlags.None);
        }

        Assert.Equal(new byte[] { 0x16, 0x03, 0x01, 0x00, 0x05 }, buffer);
        Assert.Equal(1, opener.HandedToTls);
    }

    [Fact]
    public async Task The_answer_offers_a_passive_tcp_host_candidate_on_each_ice_tcp_port()
    {
        await using var leg = await Leg.StartAsync();

        Assert.Contains($" 1 tcp ", leg.Answer, StringComparison.Ordinal);
        Assert.Matches($"a=candidate:\\d+ 1 tcp \\d+ 127\\.0\\.0\\.1 {leg.TcpPort} typ host tcptype passive", leg.Answer);
    }

    private static async Task SendFrameAsync(Socket client, byte[] packet)
    {
        var frame = new byte[packet.Length + 2];
        BinaryPrimitives.WriteUInt16BigEndian(frame, (ushort)packet.Length);
        packet.CopyTo(frame, 2);
        await client.SendAsync(frame);
    }

    private static async Task<byte[]> ReadFrameAsync(Socket client)
    {
        using var timeout = new CancellationTokenSource(Patience);
        var header = await ReadExactlyAsync(client, 2, timeout.Token);
        return await ReadExactlyAsync(client, BinaryPrimitives.ReadUInt16BigEndian(header), timeout.Token);
    }

    private static async Task<byte[]> ReadExactlyAsync(Socket client, int count, CancellationToken cancellationToken)
    {
        var buffer = new byte[count];
        var read = 0;
        while (read < count)
        {
            var n = await client.ReceiveAsync(buffer.AsMemory(read), SocketFlags.None, cancellationToken);
            Assert.True(n > 0, "the connection closed before the frame was complete");
            read += n;
        }

        return buffer;
    }

    [GeneratedRegex("a=ice-ufrag:(\\S+)")]
    private static partial Regex UfragLine();

    [GeneratedRegex("a=ice-pwd:(\\S+)")]
    private static partial Regex PasswordLine();

    /// <summary>One leg with ICE-TCP on a loopback listener, answered to a test browser's offer.</summary>
    private sealed class Leg : IAsyncDisposable
    {
        private Leg(WebRtcEndpoint endpoint, TestBrowserPeer browser, IceTcpOpener opener, IceTcpListener listener, string answer)
        {
            Endpoint = endpoint;
            Browser = browser;
            Opener = opener;
            Listener = listener;
            Answer = answer;
            Ufrag = UfragLine().Match(answer).Groups[1].Value;
            Password = PasswordLine().Match(answer).Groups[1].Value;
        }

        public WebRtcEndpoint Endpoint { get; }

        public TestBrowserPeer Browser { get; }

        public IceTcpOpener Opener { get; }

        public IceTcpListener Listener { get; }

        public string Answer { get; }

        public string Ufrag { get; }

        public string Password { get; }

        public int TcpPort => Listener.LocalEndPoint.Port;

        public static async Task<Leg> StartAsync()
        {
            var directory = new IceUfragDirectory<IIceTcpHost>();
            var opener = new IceTcpOpener(directory, NullLogger.Instance);
            var listener = IceTcpListener.Start(new IPEndPoint(IPAddress.Loopback, 0), opener, NullLogger.Instance);
            var first = 48500 + (Interlocked.Increment(ref _nextPortBlock) * 5);
            var options = WebRtcOptions.Default(IPAddress.Loopback) with { IceTcpPorts = [listener.LocalEndPoint.Port] };
            var endpoint = new WebRtcEndpoint(
                options, new UdpPortPool(IPAddress.Loopback, first, first + 4), Certificate, TestMediaLoop.Shared, new RecordingObserver(), NullLogger.Instance, directory);
            var browser = new TestBrowserPeer();
            var answer = endpoint.AcceptOffer(browser.CreateOffer());
            Assert.True(answer.Succeeded, answer.FailureReason);
            endpoint.Start();
            await Task.Yield();
            return new Leg(endpoint, browser, opener, listener, answer.Sdp);
        }

        public async Task<Socket> ConnectAsync()
        {
            var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            await client.ConnectAsync(Listener.LocalEndPoint);
            return client;
        }

        public async ValueTask DisposeAsync()
        {
            await Endpoint.DisposeAsync();
            await Browser.DisposeAsync();
            await Listener.DisposeAsync();
            Opener.Dispose();
        }
    }
}
