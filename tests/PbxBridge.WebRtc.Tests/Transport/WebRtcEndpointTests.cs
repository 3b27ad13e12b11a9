using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging.Abstractions;
using PbxBridge.Net;
using PbxBridge.WebRtc.Srtp;
using PbxBridge.WebRtc.Tests.Srtp;

namespace PbxBridge.WebRtc.Tests.Transport;

/// <summary>
/// The whole leg over real loopback UDP: our endpoint against <see cref="TestBrowserPeer"/> (our DTLS code in the
/// other role with another certificate), from SDP through ICE and DTLS to SRTP both ways.
/// </summary>
public sealed class WebRtcEndpointTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);
    private static readonly DtlsCertificate ServerCertificate = DtlsCertificate.Generate();
    private static int _nextPortBlock;

    private static UdpPortPool NewPool()
    {
        // Each test its own block of ports, so tests running in parallel never share one.
        var first = 47000 + (Interlocked.Increment(ref _nextPortBlock) * 20);
        return new UdpPortPool(IPAddress.Loopback, first, first + 19);
    }

    private static WebRtcEndpoint NewEndpoint(UdpPortPool pool, RecordingObserver observer, WebRtcOptions? options = null) =>
        new(options ?? WebRtcOptions.Default(IPAddress.Loopback), pool, ServerCertificate, TestMediaLoop.Shared, observer, NullLogger.Instance);

    /// <summary>How far <see cref="StartPairAsync"/> takes the pair before the test goes on.</summary>
    private enum Until
    {
        /// <summary>Both sides started; nothing awaited.</summary>
        Started,

        /// <summary>Our endpoint has told its observer the leg is connected.</summary>
        EndpointConnected,

        /// <summary>That, and the browser side's DTLS handshake is done too.</summary>
        BothConnected,
    }

    /// <summary>
    /// The arrange step most tests share: our endpoint answers the test browser's offer (so we are the DTLS server)
    /// and both sides start, then it waits as far as <paramref name="until"/> says.
    /// </summary>
    private static async Task<Pair> StartPairAsync(Until until, TestBrowserPeer? browser = null, WebRtcOptions? options = null, RecordingObserver? observer = null)
    {
        observer ??= new RecordingObserver();
        var pair = new Pair(observer, NewEndpoint(NewPool(), observer, options), browser ?? new TestBrowserPeer());
        try
        {
            var answer = pair.Endpoint.AcceptOffer(pair.Browser.CreateOffer());
            pair.Endpoint.Start();
            pair.Browser.Start(answer.Sdp, weAreDtlsServer: false);
            if (until >= Until.EndpointConnected)
            {
                await observer.Connected.Task.WaitAsync(Patience);
            }

            if (until == Until.BothConnected)
            {
                await pair.Browser.DtlsConnected.Task.WaitAsync(Patience);
            }

            return pair;
        }
        catch
        {
            await pair.DisposeAsync();
            throw;
        }
    }

    private sealed record Pair(RecordingObserver Observer, WebRtcEndpoint Endpoint, TestBrowserPeer Browser) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            // The order the tests' own `await using` lines had: the browser first, then our endpoint.
            await Browser.DisposeAsync();
            await Endpoint.DisposeAsync();
        }
    }

    [Fact]
    public async Task Browser_offer_leads_to_DTLS_server_role_and_SRTP_flowing_both_ways()
    {
        var observer = new RecordingObserver();
        var pool = NewPool();
        await using var endpoint = NewEndpoint(pool, observer);
        await using var browser = new TestBrowserPeer();

        var answer = endpoint.AcceptOffer(browser.CreateOffer());
        Assert.True(answer.Succeeded, answer.FailureReason);
        Assert.Contains("a=setup:passive", answer.Sdp, StringComparison.Ordinal);
        endpoint.Start();
        browser.Start(answer.Sdp, weAreDtlsServer: false);

        await observer.Connected.Task.WaitAsync(Patience);
        await browser.DtlsConnected.Task.WaitAsync(Patience);
        await ExchangeMediaAsync(endpoint, observer, browser);

        var stats = endpoint.Statistics;
        Assert.Equal("connected", stats.DtlsState);
        Assert.Equal("server", stats.DtlsRole);
        Assert.Equal("SRTP_AES128_CM_HMAC_SHA1_80", stats.SrtpCipher);
        Assert.Equal("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", stats.DtlsCipher);
        Assert.Equal(browser.LocalEndPoint, endpoint.SelectedRemote);
        Assert.Equal(1, pool.InUse);
    }

    [Fact]
    public async Task AEAD_AES_128_GCM_is_used_when_preferred_and_media_flows_both_ways()
    {
        var options = WebRtcOptions.Default(IPAddress.Loopback) with { SrtpProfiles = [SrtpProtectionProfile.AeadAes128Gcm] };
        await using var pair = await StartPairAsync(Until.BothConnected, options: options);
        var (observer, endpoint, browser) = pair;
        await ExchangeMediaAsync(endpoint, observer, browser);

        Assert.Equal("SRTP_AEAD_AES_128_GCM", endpoint.Statistics.SrtpCipher);
    }

    [Fact]
    public async Task Our_offer_answered_passive_makes_us_the_DTLS_client_and_media_flows()
    {
        var observer = new RecordingObserver();
        await using var endpoint = NewEndpoint(NewPool(), observer);
        await using var browser = new TestBrowserPeer();

        var offer = endpoint.CreateOffer();
        Assert.Contains("a=setup:actpass", offer, StringComparison.Ordinal);
        Assert.Contains("a=ice-lite", offer, StringComparison.Ordinal);
        var applied = endpoint.AcceptAnswer(browser.CreateAnswer("passive"));
        Assert.True(applied.Succeeded, applied.FailureReason);
        endpoint.Start();
        browser.Start(offer, weAreDtlsServer: true);

        await observer.Connected.Task.WaitAsync(Patience);
        await browser.DtlsConnected.Task.WaitAsync(Patience);
        await ExchangeMediaAsync(endpoint, observer, browser);
        Assert.Equal("client", endpoint.Statistics.DtlsRole);
    }

    [Fact]
    public async Task DTLS_certificate_whose_fingerprint_differs_from_the_SDP_fails_the_call()
    {
        // The browser advertises one certificate's fingerprint and presents another.
        await using var pair = await StartPairAsync(Until.Started, new TestBrowserPeer(presented: DtlsCertificate.Generate(), advertised: DtlsCertificate.Generate()));
        var (observer, endpoint, browser) = pair;

        var reason = await observer.Closed.Task.WaitAsync(Patience);
        Assert.Contains("fingerprint", reason, StringComparison.Ordinal);
        Assert.False(observer.Connected.Task.IsCompleted);
        Assert.Equal("failed", endpoint.Statistics.DtlsState);
        Assert.Null(endpoint.Statistics.SrtpCipher);
    }

    [Fact]
    public async Task Media_toward_the_browser_is_dropped_and_counted_before_DTLS_completes()
    {
        var observer = new RecordingObserver();
        await using var endpoint = NewEndpoint(NewPool(), observer);
        await using var browser = new TestBrowserPeer();
        var answer = endpoint.AcceptOffer(browser.CreateOffer());
        endpoint.Start();

        endpoint.SendRtp(RtpPackets.Build(1, 0, 5, 40, room: 0));

        Assert.Equal(1, endpoint.Statistics.SendsDroppedNotConnected);
        Assert.Equal(0, endpoint.Statistics.RtpPacketsSent);
        Assert.True(answer.Succeeded);
    }

    [Fact]
    public async Task STUN_check_with_a_wrong_MESSAGE_INTEGRITY_is_ignored_and_counted()
    {
        await using var pair = await StartPairAsync(Until.Started, new TestBrowserPeer { SendConsentChecks = false });
        var (observer, endpoint, browser) = pair;

        browser.SendCheck(password: "not-the-password-at-all");
        await WaitUntilAsync(() => endpoint.Statistics.StunBadIntegrity == 1);
        await Task.Delay(200);

        Assert.Equal(0, Volatile.Read(ref browser.StunResponses));
        Assert.Null(endpoint.SelectedRemote);

        browser.SendCheck();
        await WaitUntilAsync(() => Volatile.Read(ref browser.StunResponses) == 1);
        Assert.Equal(browser.LocalEndPoint, endpoint.SelectedRemote);
    }

    [Fact]
    public async Task SRTP_from_the_browser_with_a_wrong_tag_is_dropped_and_counted()
    {
        await using var pair = await StartPairAsync(Until.BothConnected);
        var (observer, endpoint, browser) = pair;

        browser.SendRtp(RtpPackets.Build(10, 0, 99, 160), 172, corruptTag: true);
        await WaitUntilAsync(() => endpoint.Statistics.SrtpAuthenticationFailures == 1);

        Assert.Empty(observer.Rtp);
    }

    [Fact]
    public async Task No_valid_check_within_the_consent_timeout_closes_the_leg_with_a_reason()
    {
        var options = new WebRtcOptions(IPAddress.Loopback, TimeSpan.FromMilliseconds(800), TimeSpan.FromSeconds(5));
        await using var pair = await StartPairAsync(Until.EndpointConnected, options: options);
        var (observer, endpoint, browser) = pair;

        browser.SendConsentChecks = false;
        var reason = await observer.Closed.Task.WaitAsync(Patience);

        Assert.Contains("consent", reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Later_nominated_check_from_a_new_address_moves_media_there()
    {
        await using var pair = await StartPairAsync(Until.EndpointConnected);
        var (observer, endpoint, browser) = pair;
        Assert.Equal(browser.LocalEndPoint, endpoint.SelectedRemote);

        using var newNetwork = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        newNetwork.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        browser.SendConsentChecks = false;
        browser.SendCheck(from: newNetwork);
        await WaitUntilAsync(() => Equals(endpoint.SelectedRemote, newNetwork.LocalEndPoint));

        endpoint.SendRtp(RtpPackets.Build(1, 0, endpoint.LocalSsrc, 40, room: 0));
        var buffer = new byte[2048];
        newNetwork.ReceiveTimeout = 5000;
        int length;
        do
        {
            length = newNetwork.Receive(buffer);
        }
        while (buffer[0] < 128); // skip the STUN response

        Assert.Equal(52 + 10, length);
    }

    [Fact]
    public async Task Check_replayed_from_another_address_gets_no_answer_and_media_stays_with_the_browser()
    {
        await using var pair = await StartPairAsync(Until.BothConnected);
        var (observer, endpoint, browser) = pair;

        // The browser's own nominating check, as an attacker on the path sniffs it, then copies of it from elsewhere
        // every 40 ms, as in the report.
        var sniffed = browser.CreateCheck();
        var checksBefore = endpoint.Statistics.StunValidChecks;
        browser.SendRaw(sniffed);
        await WaitUntilAsync(() => endpoint.Statistics.StunValidChecks > checksBefore);
        using var attacker = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        attacker.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        for (var i = 0; i < 10; i++)
        {
            attacker.SendTo(sniffed, browser.EndpointAddress);
            await Task.Delay(40);
        }

        await WaitUntilAsync(() => endpoint.Statistics.StunReplayed == 10);
        Assert.Equal(browser.LocalEndPoint, endpoint.SelectedRemote);
        var before = browser.ReceivedRtp.Count;
        for (ushort seq = 1; seq <= 5; seq++)
        {
            endpoint.SendRtp(RtpPackets.Build(seq, seq * 960u, endpoint.LocalSsrc, 40, room: 0));
        }

        await WaitUntilAsync(() => browser.ReceivedRtp.Count >= before + 5);
        Assert.Equal(0, attacker.Available);

        // A retransmission of the browser's check from its own address is still answered.
        var responses = Volatile.Read(ref browser.StunResponses);
        browser.SendRaw(sniffed);
        await WaitUntilAsync(() => Volatile.Read(ref browser.StunResponses) > responses);
        Assert.Equal(10, endpoint.Statistics.StunReplayed);
    }

    [Fact]
    public async Task Binding_requests_without_our_credentials_get_no_answer_at_all()
    {
        await using var pair = await StartPairAsync(Until.Started, new TestBrowserPeer { SendConsentChecks = false });
        var (observer, endpoint, browser) = pair;

        using var scanner = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        scanner.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        // A plain STUN Binding request (what a port scanner or a STUN server check sends), and one for another ufrag.
        var plain = new byte[20];
        plain[1] = 0x01;
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(plain.AsSpan(4), 0x2112A442);
        System.Security.Cryptography.RandomNumberGenerator.Fill(plain.AsSpan(8));
        scanner.SendTo(plain, browser.EndpointAddress);
        scanner.SendTo(browser.CreateCheck(username: "nope:nope"), browser.EndpointAddress);

        await WaitUntilAsync(() => endpoint.Statistics.StunUnauthenticated == 2);
        await Task.Delay(200);
        Assert.Equal(0, scanner.Available);
        Assert.Equal(0, endpoint.Statistics.StunErrorResponses);
        Assert.Null(endpoint.SelectedRemote);
    }

    [Fact]
    public async Task Disposing_returns_the_port_to_the_pool()
    {
        var pool = NewPool();
        var endpoint = NewEndpoint(pool, new RecordingObserver());
        await using var browser = new TestBrowserPeer();
        endpoint.AcceptOffer(browser.CreateOffer());
        endpoint.Start();
        Assert.Equal(1, pool.InUse);

        await endpoint.DisposeAsync();

        Assert.Equal(0, pool.InUse);
    }

    [Fact]
    public async Task Lost_DTLS_flight_is_retransmitted_and_the_handshake_completes()
    {
        // Lose the server's whole first flight (ServerHello .. ServerHelloDone, one datagram per message).
        await using var pair = await StartPairAsync(Until.BothConnected, new TestBrowserPeer { DtlsDatagramsToDrop = 5 });
        var (observer, endpoint, browser) = pair;
        await ExchangeMediaAsync(endpoint, observer, browser);
    }

    [Fact]
    public async Task Hangup_sends_close_notify_to_the_browser()
    {
        var observer = new RecordingObserver();
        var endpoint = NewEndpoint(NewPool(), observer);
        await using var browser = new TestBrowserPeer();
        var answer = endpoint.AcceptOffer(browser.CreateOffer());
        endpoint.Start();
        browser.Start(answer.Sdp, weAreDtlsServer: false);
        await browser.DtlsConnected.Task.WaitAsync(Patience);

        await endpoint.DisposeAsync();

        Assert.Equal("DTLS close_notify received", await browser.DtlsClosed.Task.WaitAsync(Patience));
        Assert.False(observer.Closed.Task.IsCompleted);
    }

    [Fact]
    public async Task Garbage_of_every_kind_neither_stops_the_receive_loop_nor_reaches_the_observer()
    {
        await using var pair = await StartPairAsync(Until.BothConnected);
        var (observer, endpoint, browser) = pair;

        var random = new Random(5);
        foreach (var first in new byte[] { 0x00, 0x01, 0x03, 22, 23, 0x80, 0x81, 0x90, 0xFF, 0x40 })
        {
            for (var i = 0; i < 20; i++)
            {
                var garbage = new byte[random.Next(1, 300)];
                random.NextBytes(garbage);
                garbage[0] = first;
                browser.SendRaw(garbage);
            }
        }

        await ExchangeMediaAsync(endpoint, observer, browser);
        Assert.Equal(0, endpoint.Statistics.ReceiveErrors);
        Assert.True(endpoint.Statistics.SrtpAuthenticationFailures + endpoint.Statistics.SrtpMalformed > 0);
    }

    [Fact]
    public async Task SendRtp_allocates_nothing_per_packet()
    {
        await using var pair = await StartPairAsync(Until.EndpointConnected);
        var (observer, endpoint, browser) = pair;
        var packet = RtpPackets.Build(1, 0, endpoint.LocalSsrc, 160, room: 0);
        for (var i = 0; i < 200; i++)
        {
            endpoint.SendRtp(packet);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            packet[3] = (byte)i;
            endpoint.SendRtp(packet);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public async Task Observer_that_throws_on_connect_neither_ends_the_process_nor_the_leg()
    {
        await using var pair = await StartPairAsync(Until.BothConnected, observer: new ThrowingOnConnectObserver());
        var (observer, endpoint, browser) = pair;

        await ExchangeMediaAsync(endpoint, observer, browser);
        Assert.False(observer.Closed.Task.IsCompleted);
    }

    private static async Task ExchangeMediaAsync(WebRtcEndpoint endpoint, IRecordingObserver observer, TestBrowserPeer browser)
    {
        var sent = new List<string>();
        for (ushort seq = 100; seq < 105; seq++)
        {
            var packet = RtpPackets.Build(seq, seq * 960u, 0xB0B0, 160);
            sent.Add(Hex.Of(packet.AsSpan(0, 172)));
            browser.SendRtp(packet, 172);
        }

        await WaitUntilAsync(() => observer.Rtp.Count == 5);
        Assert.Equal(sent, observer.Rtp.Select(p => Hex.Of(p)).ToList());

        var returned = new List<string>();
        for (ushort seq = 7; seq < 12; seq++)
        {
            var packet = RtpPackets.Build(seq, seq * 960u, endpoint.LocalSsrc, 160, room: 0);
            returned.Add(Hex.Of(packet));
            endpoint.SendRtp(packet);
        }

        await WaitUntilAsync(() => browser.ReceivedRtp.Count == 5);
        Assert.Equal(returned, browser.ReceivedRtp.Select(p => Hex.Of(p)).ToList());
        Assert.Equal(5, endpoint.Statistics.RtpPacketsSent);
        Assert.Equal(5, endpoint.Statistics.RtpPacketsDelivered);
    }

    [Fact]
    public async Task DTLS_range_datagram_with_broken_record_framing_is_dropped_and_counted()
    {
        await using var pair = await StartPairAsync(Until.EndpointConnected);
        var (observer, endpoint, browser) = pair;

        // A handshake record claiming more bytes than the datagram holds, one with an unknown version, a DTLS 1.3
        // unified header (first byte 0x2F), and a valid record followed by three stray bytes.
        browser.SendRaw([22, 0xFE, 0xFD, 0, 0, 0, 0, 0, 0, 0, 9, 0x01, 0x00, 1, 2, 3]);
        browser.SendRaw([23, 0x03, 0x03, 0, 1, 0, 0, 0, 0, 0, 1, 0, 2, 0xAA, 0xBB]);
        browser.SendRaw([0x2F, 0x12, 0x34, 0xAA, 0xBB, 0xCC, 0xDD]);
        browser.SendRaw([21, 0xFE, 0xFD, 0, 1, 0, 0, 0, 0, 0, 7, 0, 2, 1, 0, 0xFF, 0xFF, 0xFF]);
        await WaitUntilAsync(() => endpoint.Statistics.DtlsMalformed == 4);

        Assert.Equal("connected", endpoint.Statistics.DtlsState);
        Assert.Equal(0, endpoint.Statistics.ReceiveErrors);
        await ExchangeMediaAsync(endpoint, observer, browser);
    }

    [Fact]
    public async Task STUN_range_datagram_that_is_not_a_Binding_request_is_ignored_and_counted()
    {
        await using var pair = await StartPairAsync(Until.Started, new TestBrowserPeer { SendConsentChecks = false });
        var (observer, endpoint, browser) = pair;

        // No magic cookie; a header whose length runs past the datagram; a Binding success response.
        browser.SendRaw([0x00, 0x01, 0x00, 0x00, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]);
        browser.SendRaw([0x00, 0x01, 0x00, 0x40, 0x21, 0x12, 0xA4, 0x42, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
        browser.SendRaw([0x01, 0x01, 0x00, 0x00, 0x21, 0x12, 0xA4, 0x42, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
        await WaitUntilAsync(() => endpoint.Statistics.StunIgnored == 3);

        Assert.Equal(0, Volatile.Read(ref browser.StunResponses));
        Assert.Equal(0, endpoint.Statistics.StunErrorResponses);
    }

    [Fact]
    public async Task SRTCP_that_authenticates_but_is_not_RTCP_is_counted_malformed_and_a_bad_tag_as_an_auth_failure()
    {
        await using var pair = await StartPairAsync(Until.BothConnected);
        var (observer, endpoint, browser) = pair;

        // An empty receiver report (RFC 3550 §6.4.2), then the same with a length field claiming 16 more words.
        var report = new byte[64];
        report[0] = 0x80;
        report[1] = 201;
        report[3] = 1;
        report[4] = 0x12;
        browser.SendRtcp(report, 8);
        await WaitUntilAsync(() => endpoint.Statistics.RtcpPacketsReceived == 1);

        var lying = new byte[64];
        report.AsSpan(0, 8).CopyTo(lying);
        lying[3] = 17;
        browser.SendRtcp(lying, 8);
        await WaitUntilAsync(() => endpoint.Statistics.RtcpMalformed == 1);

        var forged = new byte[64];
        report.AsSpan(0, 8).CopyTo(forged);
        browser.SendRtcp(forged, 8, corruptTag: true);
        await WaitUntilAsync(() => endpoint.Statistics.SrtcpAuthenticationFailures == 1);

        Assert.Equal(1, endpoint.Statistics.RtcpPacketsReceived);
        Assert.Equal(0, endpoint.Statistics.SrtcpMalformed);
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
