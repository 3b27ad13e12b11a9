using PbxBridge.Calls.Pbx;

namespace PbxBridge.FreeSwitch.Tests;

public sealed class FreeSwitchHangupCauseTests
{
    [Fact]
    public void Reason_header_as_mod_sofia_writes_it_is_read_back()
    {
        Assert.True(FreeSwitchHangupCause.TryParseReason("Q.850;cause=16;text=\"NORMAL_CLEARING\"", out var cause));
        Assert.Equal(PbxCause.NormalClearing, cause);
    }

    /// <summary>The text wins when it is a known name; a cause with no text (or an unknown one) keeps its number, named
    /// from FreeSWITCH's own causes, then Q.850's, else NORMAL_UNSPECIFIED.</summary>
    [Theory]
    [InlineData("Q.850;cause=41;text=\"USER_BUSY\"", 17, "USER_BUSY")]
    [InlineData("Q.850;cause=609", 609, "GATEWAY_DOWN")]
    [InlineData("Q.850;cause=17", 17, "USER_BUSY")]
    [InlineData("Q.850;cause=99;text=\"SOMETHING_ELSE\"", 99, "SOMETHING_ELSE")]
    [InlineData("Q.850;cause=99", 99, "NORMAL_UNSPECIFIED")]
    public void A_reason_is_named_by_its_text_else_by_its_number(string header, int q850, string text)
    {
        Assert.True(FreeSwitchHangupCause.TryParseReason(header, out var cause));
        Assert.Equal(new PbxCause(q850, text), cause);
    }

    [Theory]
    [InlineData("SIP;cause=200;text=\"Call completed elsewhere\"")]
    [InlineData("Q.850;text=\"NO_CAUSE_NUMBER\"")]
    [InlineData(null)]
    public void Reason_headers_without_a_q850_cause_are_not_taken(string? header) =>
        Assert.False(FreeSwitchHangupCause.TryParseReason(header, out _));

    [Theory]
    [InlineData("NORMAL_TEMPORARY_FAILURE", 41)]
    [InlineData("INCOMPATIBLE_DESTINATION", 88)]
    [InlineData("GATEWAY_DOWN", 609)]
    [InlineData("ORIGINATOR_CANCEL", 487)]
    public void Recorded_originate_failures_map_to_their_numbers(string name, int q850)
    {
        Assert.Equal(new PbxCause(q850, name), FreeSwitchHangupCause.FromName(name));
    }

    [Theory]
    [InlineData(20, 480)]
    [InlineData(17, 486)]
    [InlineData(21, 603)]
    [InlineData(41, 503)]
    public void Refusing_freeswitch_uses_the_rfc3398_status(int q850, int status)
    {
        Assert.Equal(status, Calls.SipCauseMapping.ToSipResponse(new PbxCause(q850, "X")).Status);
    }

    [Fact]
    public void Freeswitch_sdp_from_transcript_03_gives_its_rtp_address()
    {
        const string sdp = "v=0\r\no=FreeSWITCH 1795369423 1795369424 IN IP4 127.0.0.1\r\ns=FreeSWITCH\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
            + "m=audio 16404 RTP/AVP 0 101 13\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-15\r\na=rtpmap:13 CN/8000\r\na=ptime:20\r\n";

        Assert.True(Sip.PcmuSdp.TryParse(sdp, out var remote, out var pcmu, out var direction));
        Assert.Equal("127.0.0.1:16404", remote.ToString());
        Assert.True(pcmu);
        Assert.Equal(PbxBridge.Sip.Sdp.MediaDirection.SendRecv, direction);
    }

    [Theory]
    [InlineData("m=audio 16404 RTP/AVP 0 101 13\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:101 telephone-event/8000\r\na=rtpmap:13 CN/8000\r\n", 101)]
    [InlineData("m=audio 16404 RTP/AVP 0 96\r\na=rtpmap:96 TELEPHONE-EVENT/8000\r\n", 96)]
    [InlineData("m=audio 16404 RTP/AVP 0 13\r\na=rtpmap:0 PCMU/8000\r\n", null)]
    [InlineData("m=audio 16404 RTP/AVP 0\r\na=rtpmap:101 telephone-event/8000\r\n", null)] // mapped but not offered on the m= line
    [InlineData("m=audio 16404 RTP/AVP 0 101\r\na=rtpmap:101 telephone-event/48000\r\n", null)] // not the 8000 Hz event PCMU pairs with
    public void Telephone_event_payload_type_is_read_from_the_audio_stream(string media, int? expected)
    {
        var sdp = "v=0\r\no=FreeSWITCH 1 2 IN IP4 127.0.0.1\r\ns=FreeSWITCH\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n" + media;

        Assert.Equal(expected, Sip.PcmuSdp.TelephoneEventPayloadTypeOf(sdp));
    }

    [Fact]
    public void An_answer_uses_the_offers_telephone_event_number_or_leaves_it_out()
    {
        var rtp = new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 4000);

        Assert.Contains("m=audio 4000 RTP/AVP 0 96\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:96 telephone-event/8000\r\n", Sip.PcmuSdp.Build(rtp, 1, 1, telephoneEvent: 96), StringComparison.Ordinal);
        var without = Sip.PcmuSdp.Build(rtp, 1, 1, telephoneEvent: null);
        Assert.Contains("m=audio 4000 RTP/AVP 0\r\n", without, StringComparison.Ordinal);
        Assert.DoesNotContain("telephone-event", without, StringComparison.Ordinal);
    }

    [Fact]
    public void Pcma_only_answer_is_not_pcmu()
    {
        const string sdp = "v=0\r\nc=IN IP4 127.0.0.1\r\nm=audio 4000 RTP/AVP 8\r\n";

        Assert.True(Sip.PcmuSdp.TryParse(sdp, out _, out var pcmu, out _));
        Assert.False(pcmu);
    }
}
