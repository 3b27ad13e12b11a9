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
        Assert.Equal(status, FreeSwitchHangupCause.ToSipStatus(new PbxCause(q850, "X")).Status);
    }

    [Fact]
    public void Freeswitch_sdp_from_transcript_03_gives_its_rtp_address()
    {
        const string sdp = "v=0\r\no=FreeSWITCH 1795369423 1795369424 IN IP4 127.0.0.1\r\ns=FreeSWITCH\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
            + "m=audio 16404 RTP/AVP 0 101 13\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-15\r\na=rtpmap:13 CN/8000\r\na=ptime:20\r\n";

        Assert.True(Sip.PcmuSdp.TryParse(sdp, out var remote, out var pcmu, out var direction));
        Assert.Equal("127.0.0.1:16404", remote.ToString());
        Assert.True(pcmu);
        Assert.Equal("sendrecv", direction);
    }

    [Fact]
    public void Pcma_only_answer_is_not_pcmu()
    {
        const string sdp = "v=0\r\nc=IN IP4 127.0.0.1\r\nm=audio 4000 RTP/AVP 8\r\n";

        Assert.True(Sip.PcmuSdp.TryParse(sdp, out _, out var pcmu, out _));
        Assert.False(pcmu);
    }
}
