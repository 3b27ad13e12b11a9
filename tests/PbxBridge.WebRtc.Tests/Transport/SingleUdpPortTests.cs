using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging.Abstractions;
using PbxBridge.Net;
using PbxBridge.WebRtc.Tests.Srtp;
using PbxBridge.WebRtc.Transport;

namespace PbxBridge.WebRtc.Tests.Transport;

/// <summary>
/// Media:SingleUdpPort: several legs on one real UDP socket, each with its own <see cref="TestBrowserPeer"/> over
/// loopback. Two media loops, so that one leg is served on the loop that reads the socket and the other through the
/// hand-off to its own loop. The hardening of the per-leg sockets must hold on the shared one: an unknown ufrag, a
/// wrong MESSAGE-INTEGRITY or a replayed check moves nothing, and only an authenticated check re-binds an address.
/// </summary>
public abstract class SingleUdpPortTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);
    private static readonly DtlsCertificate ServerCertificate = DtlsCertificate.Generate();
    private readonly MediaEventLoop _readerLoop = new("single-port-reader", NullLogger.Instance);
    private readonly MediaEventLoop _otherLoop = new("single-port-other", NullLogger.Instance);
    private readonly UdpPortPool _unusedPool = new(IPAddress.Loopback, 1, 1);
    private SingleUdpPort _port = null!;

    /// <summary>recvmmsg/sendmmsg (the default), or one system call per datagram.</summary>
    protected abstract bool Batch { get; }

    public Task InitializeAsync()
    {
        _port = new SingleUdpPort(IPAddress.Loopback, 0, [_readerLoop, _otherLoop], Batch);
        Assert.Equal(Batch, _port.IsBatching);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _port.DisposeAsync();
        _readerLoop.Dispose();
        _otherLoop.Dispose();
    }

    [Fact]
    public async Task Two_legs_on_one_port_each_get_their_own_browser_s_media_both_ways()
    {
        var (legA, observerA, browserA) = await ConnectAsync(_readerLoop);
        var (legB, observerB, browserB) = await ConnectAsync(_otherLoop);
        await using (legA)
        await using (legB)
        await using (browserA)
        await using (browserB)
        {
            Assert.Equal(_port.Port, legA.LocalPort);
            Assert.Equal(_port.Port, legB.LocalPort);

            browserA.SendRtp(RtpPackets.Build(1, 960, 0xAAAA, 160), 172);
            browserB.SendRtp(RtpPackets.Build(1, 960, 0xBBBB, 160), 172);
            await WaitUntilAsync(() => !observerA.Rtp.IsEmpty && !observerB.Rtp.IsEmpty);
            await Task.Delay(100);
            Assert.Equal([0xAAAAu], observerA.Rtp.Select(SsrcOf));
            Assert.Equal([0xBBBBu], observerB.Rtp.Select(SsrcOf));

            legA.SendRtp(RtpPackets.Build(5, 0, legA.LocalSsrc, 40, room: 0));
            legB.SendRtp(RtpPackets.Build(5, 0, legB.LocalSsrc, 40, room: 0));
            await WaitUntilAsync(() => !browserA.ReceivedRtp.IsEmpty && !browserB.ReceivedRtp.IsEmpty);
            Assert.Equal([legA.LocalSsrc], browserA.ReceivedRtp.Select(SsrcOf));
            Assert.Equal([legB.LocalSsrc], browserB.ReceivedRtp.Select(SsrcOf));
            Assert.Equal(2, _port.UfragCount);
            Assert.Equal(2, _port.AddressCount);
            Assert.Equal(Batch, _port.SendCalls > 0 && _port.ReceiveCalls > 0);
        }

        Assert.Equal(0, _port.UfragCount);
        Assert.Equal(0, _port.AddressCount);
    }

    [Fact]
    public async Task A_check_for_an_unknown_ufrag_gets_no_answer_and_binds_nothing()
    {
        var (leg, _, browser) = await ConnectAsync(_otherLoop);
        await using (leg)
        await using (browser)
        {
            using var scanner = Bound();
            var before = _port.UnknownUfrag;
            scanner.SendTo(browser.CreateCheck(username: "nosuchufrag:x"), browser.EndpointAddress);
            await WaitUntilAsync(() => _port.UnknownUfrag == before + 1);

            await Task.Delay(200);
            Assert.Equal(0, scanner.Available);
            Assert.Equal(1, _port.AddressCount);
            Assert.Equal(0, leg.Statistics.StunUnauthenticated);
        }
    }

    [Fact]
    public async Task A_check_with_someone_else_s_ufrag_and_a_wrong_integrity_moves_nothing()
    {
        var (leg, observer, browser) = await ConnectAsync(_otherLoop);
        await using (leg)
        await using (browser)
        {
            using var attacker = Bound();
            // The victim's ufrag pair (it travels in clear), but the attacker cannot know the password.
            attacker.SendTo(browser.CreateCheck(password: "guessed-password-000000"), browser.EndpointAddress);
            await WaitUntilAsync(() => leg.Statistics.StunBadIntegrity == 1);

            // Nothing answered, nothing bound: the attacker's SRTP and DTLS are dropped at the port, not at the leg.
            var unknownBefore = _port.UnknownAddress;
            attacker.SendTo(RtpPackets.Build(9, 0, 0xEEEE, 160), browser.EndpointAddress);
            attacker.SendTo(new byte[] { 22, 254, 253, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 }, browser.EndpointAddress);
            await WaitUntilAsync(() => _port.UnknownAddress == unknownBefore + 2);
            Assert.Equal(0, attacker.Available);
            Assert.Equal(1, _port.AddressCount);
            Assert.Equal(browser.LocalEndPoint, leg.SelectedRemote);
            Assert.Equal(0, leg.Statistics.SrtpAuthenticationFailures);
            Assert.Equal(0, leg.Statistics.DroppedFromUnverifiedAddress);
            Assert.Empty(observer.Rtp);
        }
    }

    [Fact]
    public async Task A_new_address_carries_media_only_after_an_authenticated_check_from_it()
    {
        var (leg, _, browser) = await ConnectAsync(_readerLoop);
        await using (leg)
        await using (browser)
        {
            using var newNetwork = Bound();
            var unknownBefore = _port.UnknownAddress;
            newNetwork.SendTo(RtpPackets.Build(9, 0, 0xEEEE, 160), browser.EndpointAddress);
            await WaitUntilAsync(() => _port.UnknownAddress == unknownBefore + 1);
            Assert.Equal(0, leg.Statistics.SrtpAuthenticationFailures);

            // The browser's network changed: its next nominated check comes from the new address.
            browser.SendConsentChecks = false;
            browser.SendCheck(from: newNetwork);
            await WaitUntilAsync(() => Equals(leg.SelectedRemote, newNetwork.LocalEndPoint));
            Assert.Equal(2, _port.AddressCount);

            // Datagrams from there now reach the leg (this one fails its SRTP tag there, counted by the leg).
            newNetwork.SendTo(RtpPackets.Build(10, 0, 0xEEEE, 160), browser.EndpointAddress);
            await WaitUntilAsync(() => leg.Statistics.SrtpAuthenticationFailures == 1);
            Assert.Equal(unknownBefore + 1, _port.UnknownAddress);

            leg.SendRtp(RtpPackets.Build(1, 0, leg.LocalSsrc, 40, room: 0));
            var buffer = new byte[2048];
            newNetwork.ReceiveTimeout = 5000;
            int length;
            do
            {
                length = newNetwork.Receive(buffer);
            }
            while (buffer[0] < 128); // the STUN response first

            Assert.Equal(52 + 10, length);
        }
    }

    [Fact]
    public async Task A_replayed_check_from_another_address_is_dropped_and_binds_nothing()
    {
        var (leg, _, browser) = await ConnectAsync(_otherLoop);
        await using (leg)
        await using (browser)
        {
            var sniffed = browser.CreateCheck();
            var checksBefore = leg.Statistics.StunValidChecks;
            browser.SendRaw(sniffed);
            await WaitUntilAsync(() => leg.Statistics.StunValidChecks > checksBefore);

            using var attacker = Bound();
            for (var i = 0; i < 5; i++)
            {
                attacker.SendTo(sniffed, browser.EndpointAddress);
            }

            await WaitUntilAsync(() => leg.Statistics.StunReplayed == 5);
            Assert.Equal(browser.LocalEndPoint, leg.SelectedRemote);
            Assert.Equal(1, _port.AddressCount);
            await Task.Delay(100);
            Assert.Equal(0, attacker.Available);
        }
    }

    [Fact]
    public async Task An_ended_leg_s_ufrag_and_addresses_are_gone_from_the_port()
    {
        var (leg, _, browser) = await ConnectAsync(_otherLoop);
        await using (browser)
        {
            Assert.Equal(1, _port.UfragCount);
            Assert.Equal(1, _port.AddressCount);
            await leg.DisposeAsync();
            Assert.Equal(0, _port.UfragCount);
            Assert.Equal(0, _port.AddressCount);

            var unknownBefore = _port.UnknownUfrag;
            browser.SendCheck();
            await WaitUntilAsync(() => _port.UnknownUfrag > unknownBefore);
        }
    }

    private async Task<(WebRtcEndpoint Leg, RecordingObserver Observer, TestBrowserPeer Browser)> ConnectAsync(MediaEventLoop loop)
    {
        var observer = new RecordingObserver();
        var leg = new WebRtcEndpoint(
            WebRtcOptions.Default(IPAddress.Loopback), _unusedPool, ServerCertificate, loop, observer, NullLogger.Instance, singleUdpPort: _port);
        var browser = new TestBrowserPeer();
        var answer = leg.AcceptOffer(browser.CreateOffer());
        Assert.True(answer.Succeeded, answer.FailureReason);
        leg.Start();
        browser.Start(answer.Sdp, weAreDtlsServer: false);
        await observer.Connected.Task.WaitAsync(Patience);
        await browser.DtlsConnected.Task.WaitAsync(Patience);
        await WaitUntilAsync(() => leg.SelectedRemote is not null);
        return (leg, observer, browser);
    }

    private static uint SsrcOf(byte[] rtp) => System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(rtp.AsSpan(8));

    private static Socket Bound()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return socket;
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not met in time");
            await Task.Delay(20);
        }
    }
}

/// <summary>The single port with recvmmsg / sendmmsg batches (the default).</summary>
public sealed class SingleUdpPortBatchedTests : SingleUdpPortTests
{
    protected override bool Batch => true;
}

/// <summary>The single port with one recvmsg / sendto per datagram (Media:SingleUdpPortBatch=false).</summary>
public sealed class SingleUdpPortUnbatchedTests : SingleUdpPortTests
{
    protected override bool Batch => false;
}
