using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using PbxBridge.Net;
using PbxBridge.Sip.Sdp;
using PbxBridge.WebRtc.Sdp;
using PbxBridge.WebRtc.Tests.Transport;

namespace PbxBridge.WebRtc.Tests.Sdp;

/// <summary>The answerer against Chromium 156's recorded offer and against offers we must refuse with a reason.</summary>
public sealed class SdpAnswererTests : IAsyncLifetime
{
    private static readonly string ChromiumOffer = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Sdp", "chromium156-offer.sdp"));
    private static readonly DtlsCertificate Certificate = DtlsCertificate.Generate();
    private static int _nextPort;

    private readonly UdpPortPool _pool;
    private readonly WebRtcEndpoint _endpoint;

    public SdpAnswererTests()
    {
        var port = 46000 + (Interlocked.Increment(ref _nextPort) * 2);
        _pool = new UdpPortPool(IPAddress.Loopback, port, port + 1);
        _endpoint = new WebRtcEndpoint(WebRtcOptions.Default(IPAddress.Parse("192.0.2.10")), _pool, Certificate, TestMediaLoop.Shared, new RecordingObserver(), NullLogger.Instance);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _endpoint.DisposeAsync();

    [Fact]
    public void Chromium_offer_is_answered_as_an_ICE_lite_DTLS_server_with_opus_and_telephone_event()
    {
        var result = _endpoint.AcceptOffer(ChromiumOffer);

        Assert.True(result.Succeeded, result.FailureReason);
        Assert.True(SessionDescription.TryParse(result.Sdp, out var answer, out _));
        Assert.Equal(string.Empty, answer.GetAttribute("ice-lite"));
        Assert.Equal("BUNDLE 0", answer.GetAttribute("group"));
        var audio = Assert.Single(answer.Media);
        Assert.Equal(["111", "110"], audio.Formats);
        Assert.Equal(_endpoint.LocalPort, audio.Port);
        Assert.Equal("UDP/TLS/RTP/SAVPF", audio.Protocol);
        Assert.Equal("passive", audio.GetAttribute("setup"));
        Assert.Equal("0", audio.GetAttribute("mid"));
        Assert.Equal($"sha-256 {Certificate.Sha256Fingerprint}", audio.GetAttribute("fingerprint"));
        Assert.True(audio.HasAttribute("rtcp-mux"));
        Assert.True(audio.HasAttribute("sendrecv"));
        Assert.Contains("111 opus/48000/2", audio.GetAttributes("rtpmap"));
        Assert.Contains("111 minptime=10;useinbandfec=1", audio.GetAttributes("fmtp"));
        Assert.Contains("110 telephone-event/48000", audio.GetAttributes("rtpmap"));
        Assert.StartsWith($"1 1 udp 2130706431 192.0.2.10 {_endpoint.LocalPort} typ host", audio.GetAttribute("candidate"), StringComparison.Ordinal);
        Assert.Equal(new NegotiatedAudio(111, 110, 48000, MediaDirection.SendRecv), _endpoint.Audio);
    }

    [Theory]
    [InlineData("minptime=10;useinbandfec=1;usedtx=1", true)]
    [InlineData("minptime=10; usedtx = 1 ;useinbandfec=1", true)]
    [InlineData("minptime=10;useinbandfec=1;usedtx=0", false)]
    [InlineData("minptime=10;useinbandfec=1", false)]
    public void A_browser_asking_for_dtx_in_its_opus_fmtp_is_noted(string fmtp, bool useDtx)
    {
        var offer = ChromiumOffer.Replace("a=fmtp:111 minptime=10;useinbandfec=1", $"a=fmtp:111 {fmtp}", StringComparison.Ordinal);

        Assert.True(_endpoint.AcceptOffer(offer).Succeeded);
        Assert.Equal(useDtx, _endpoint.Audio.OpusUseDtx);
    }

    [Fact]
    public async Task Additional_host_addresses_become_lower_priority_candidates_on_the_same_port()
    {
        var options = WebRtcOptions.Default(IPAddress.Parse("192.0.2.10")) with { AdditionalHostAddresses = [IPAddress.Parse("10.0.0.5")] };
        var pool = new UdpPortPool(IPAddress.Loopback, 45990, 45991);
        await using var endpoint = new WebRtcEndpoint(options, pool, Certificate, TestMediaLoop.Shared, new RecordingObserver(), NullLogger.Instance);

        var result = endpoint.AcceptOffer(ChromiumOffer);

        Assert.True(SessionDescription.TryParse(result.Sdp, out var answer, out _));
        var candidates = answer.Media[0].GetAttributes("candidate").ToList();
        Assert.Equal(2, candidates.Count);
        Assert.Equal($"2 1 udp 2130706175 10.0.0.5 {endpoint.LocalPort} typ host", candidates[1]);
    }

    [Fact]
    public void Answer_ends_every_line_with_CRLF_and_parses_back()
    {
        var result = _endpoint.AcceptOffer(ChromiumOffer);

        Assert.DoesNotContain("\n", result.Sdp.Replace("\r\n", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.True(RemoteAudioDescription.TryRead(result.Sdp, out var reread, out var reason), reason);
        Assert.Equal(DtlsSetup.Passive, reread.Setup);
    }

    [Theory]
    [InlineData("a=fingerprint:", "fingerprint")]
    [InlineData("a=rtcp-mux\n", "rtcp-mux")]
    [InlineData("a=ice-pwd:", "ICE credentials")]
    public void Offer_missing_a_required_attribute_is_refused_with_a_reason(string lineStart, string reasonMentions)
    {
        var offer = string.Join('\n', ChromiumOffer.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n')
            .Where(line => !(line + "\n").StartsWith(lineStart, StringComparison.Ordinal)));

        var result = _endpoint.AcceptOffer(offer);

        Assert.False(result.Succeeded);
        Assert.Contains(reasonMentions, result.FailureReason, StringComparison.Ordinal);
    }

    [Fact]
    public void Offer_without_opus_is_refused_with_a_reason()
    {
        var offer = ChromiumOffer.Replace("a=rtpmap:111 opus/48000/2", "a=rtpmap:111 ISAC/16000", StringComparison.Ordinal);

        var result = _endpoint.AcceptOffer(offer);

        Assert.False(result.Succeeded);
        Assert.Contains("opus", result.FailureReason, StringComparison.Ordinal);
    }

    [Fact]
    public void Offer_without_audio_is_refused_with_a_reason()
    {
        var offer = ChromiumOffer.Replace("m=audio 45443", "m=video 45443", StringComparison.Ordinal);

        var result = _endpoint.AcceptOffer(offer);

        Assert.False(result.Succeeded);
        Assert.Contains("no audio", result.FailureReason, StringComparison.Ordinal);
    }

    [Fact]
    public void Garbage_is_refused_with_a_reason_not_an_exception()
    {
        var result = _endpoint.AcceptOffer("this is not SDP\r\n");

        Assert.False(result.Succeeded);
        Assert.False(string.IsNullOrEmpty(result.FailureReason));
    }

    [Fact]
    public void Extra_video_section_is_rejected_in_place_with_port_zero()
    {
        var offer = ChromiumOffer.Replace("\r\n", "\n", StringComparison.Ordinal) +
                    "m=video 9 UDP/TLS/RTP/SAVPF 96\nc=IN IP4 0.0.0.0\na=mid:1\na=rtpmap:96 VP8/90000\n";

        var result = _endpoint.AcceptOffer(offer);

        Assert.True(result.Succeeded, result.FailureReason);
        Assert.True(SessionDescription.TryParse(result.Sdp, out var answer, out _));
        Assert.Equal(2, answer.Media.Count);
        Assert.Equal(0, answer.Media[1].Port);
        Assert.Equal("1", answer.Media[1].GetAttribute("mid"));
    }

    [Fact]
    public void Browser_hold_with_sendonly_is_answered_recvonly_and_we_stop_sending()
    {
        Assert.True(_endpoint.AcceptOffer(ChromiumOffer).Succeeded);

        var result = _endpoint.AcceptReoffer(ChromiumOffer.Replace("a=sendrecv", "a=sendonly", StringComparison.Ordinal));

        Assert.True(result.Succeeded, result.FailureReason);
        Assert.Contains("a=recvonly", result.Sdp, StringComparison.Ordinal);
        Assert.Equal(MediaDirection.RecvOnly, _endpoint.Audio.Direction);
        Assert.False(_endpoint.Audio.MaySend);
    }

    [Fact]
    public void Legacy_hold_with_connection_address_0_0_0_0_is_answered_recvonly_and_we_stop_sending()
    {
        Assert.True(_endpoint.AcceptOffer(ChromiumOffer).Succeeded);

        // RFC 2543 hold (RFC 3264 §8.4): c=0.0.0.0 with the direction left at sendrecv.
        var result = _endpoint.AcceptReoffer(ChromiumOffer.Replace("c=IN IP4 127.0.0.1", "c=IN IP4 0.0.0.0", StringComparison.Ordinal));

        Assert.True(result.Succeeded, result.FailureReason);
        Assert.Contains("a=recvonly", result.Sdp, StringComparison.Ordinal);
        Assert.True(_endpoint.Audio.HeldByBrowser);
        Assert.False(_endpoint.Audio.MaySend);
    }

    [Fact]
    public void Address_0_0_0_0_on_port_9_is_trickle_ices_placeholder_not_a_hold()
    {
        var trickle = ChromiumOffer
            .Replace("m=audio 45443 ", "m=audio 9 ", StringComparison.Ordinal)
            .Replace("c=IN IP4 127.0.0.1", "c=IN IP4 0.0.0.0", StringComparison.Ordinal);

        Assert.True(_endpoint.AcceptOffer(trickle).Succeeded);

        Assert.Equal(MediaDirection.SendRecv, _endpoint.Audio.Direction);
        Assert.False(_endpoint.Audio.HeldByBrowser);
    }

    [Fact]
    public void Reoffer_with_new_ICE_credentials_is_answered_with_fresh_ones()
    {
        var first = _endpoint.AcceptOffer(ChromiumOffer);
        var restarted = ChromiumOffer
            .Replace("a=ice-ufrag:puFd", "a=ice-ufrag:NEWu", StringComparison.Ordinal)
            .Replace("a=ice-pwd:E/ZvRskZ/yMJVFHqnxnHuRz0", "a=ice-pwd:abcdefghijklmnopqrstuvwx", StringComparison.Ordinal);

        var second = _endpoint.AcceptReoffer(restarted);

        Assert.True(second.Succeeded, second.FailureReason);
        Assert.True(RemoteAudioDescription.TryRead(first.Sdp, out var before, out _));
        Assert.True(RemoteAudioDescription.TryRead(second.Sdp, out var after, out _));
        Assert.NotEqual(before.Ice.UsernameFragment, after.Ice.UsernameFragment);
        Assert.NotEqual(before.Ice.Password, after.Ice.Password);
        Assert.Equal(DtlsSetup.Passive, after.Setup);
    }

    [Fact]
    public void Reoffer_with_another_DTLS_fingerprint_is_refused()
    {
        _endpoint.AcceptOffer(ChromiumOffer);

        var result = _endpoint.AcceptReoffer(ChromiumOffer.Replace("FD:0D:60:FA", "00:0D:60:FA", StringComparison.Ordinal));

        Assert.False(result.Succeeded);
        Assert.Contains("fingerprint", result.FailureReason, StringComparison.Ordinal);
    }

    [Fact]
    public void Offer_with_only_8kHz_telephone_event_negotiates_that_one()
    {
        var offer = ChromiumOffer.Replace("a=rtpmap:110 telephone-event/48000\r\n", string.Empty, StringComparison.Ordinal)
            .Replace("a=rtpmap:110 telephone-event/48000\n", string.Empty, StringComparison.Ordinal);

        var result = _endpoint.AcceptOffer(offer);

        Assert.True(result.Succeeded, result.FailureReason);
        Assert.Equal(126, _endpoint.Audio.TelephoneEventPayloadType);
        Assert.Equal(8000, _endpoint.Audio.TelephoneEventClockRate);
    }

    /// <summary>
    /// Our own re-offer (the PBX holds the agent): the same ICE credentials and fingerprint, a=setup:actpass (RFC 5763
    /// §5), the negotiated payload types, and the new direction; the browser's recvonly answer keeping its DTLS role
    /// makes us sendonly without the browser counting as holding.
    /// </summary>
    [Fact]
    public void Our_reoffer_keeps_ice_and_dtls_and_the_browsers_recvonly_answer_makes_us_sendonly()
    {
        var first = _endpoint.AcceptOffer(ChromiumOffer);
        Assert.True(RemoteAudioDescription.TryRead(first.Sdp, out var answered, out _));

        var reoffer = _endpoint.CreateReoffer(MediaDirection.SendOnly);

        Assert.True(RemoteAudioDescription.TryRead(reoffer, out var offered, out var reason), reason);
        Assert.Equal(answered.Ice.UsernameFragment, offered.Ice.UsernameFragment);
        Assert.Equal(answered.Ice.Password, offered.Ice.Password);
        Assert.Equal(answered.Fingerprint.ToString(), offered.Fingerprint.ToString());
        Assert.Equal(DtlsSetup.ActPass, offered.Setup);
        Assert.Equal(MediaDirection.SendOnly, offered.Direction);
        Assert.Equal(_endpoint.Audio.OpusPayloadType, offered.OpusPayloadType);
        Assert.Equal(answered.Mid, offered.Mid);

        var browserAnswer = ChromiumOffer
            .Replace("a=setup:actpass", "a=setup:active", StringComparison.Ordinal)
            .Replace("a=sendrecv", "a=recvonly", StringComparison.Ordinal);
        var applied = _endpoint.AcceptReofferAnswer(browserAnswer);

        Assert.True(applied.Succeeded, applied.FailureReason);
        Assert.Equal(MediaDirection.SendOnly, _endpoint.Audio.Direction);
        Assert.True(_endpoint.Audio.MaySend);
        Assert.False(_endpoint.Audio.HeldByBrowser);

        Assert.True(_endpoint.AcceptReofferAnswer(browserAnswer.Replace("a=recvonly", "a=sendrecv", StringComparison.Ordinal)).Succeeded);
        Assert.Equal(MediaDirection.SendRecv, _endpoint.Audio.Direction);
    }

    [Theory]
    [InlineData("a=setup:passive")]
    [InlineData("a=setup:actpass")]
    public void An_answer_to_our_reoffer_that_would_change_the_dtls_roles_is_refused(string setup)
    {
        _endpoint.AcceptOffer(ChromiumOffer);
        _endpoint.CreateReoffer(MediaDirection.SendOnly);

        var result = _endpoint.AcceptReofferAnswer(ChromiumOffer
            .Replace("a=setup:actpass", setup, StringComparison.Ordinal)
            .Replace("a=sendrecv", "a=recvonly", StringComparison.Ordinal));

        Assert.False(result.Succeeded);
        Assert.Contains("DTLS roles", result.FailureReason, StringComparison.Ordinal);
        Assert.Equal(MediaDirection.SendRecv, _endpoint.Audio.Direction);
    }
}
