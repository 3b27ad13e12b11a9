using PbxBridge.Sip.Sdp;

namespace PbxBridge.Sip.Tests.Sdp;

public sealed class SessionDescriptionTests
{
    [Fact]
    public void Parse_then_serialize_keeps_media_and_attributes_in_order()
    {
        const string sdp = "v=0\r\no=- 1 2 IN IP4 10.0.0.1\r\ns=-\r\nt=0 0\r\na=group:BUNDLE 0\r\n" +
                           "m=audio 5000 UDP/TLS/RTP/SAVPF 111 0\r\nc=IN IP4 10.0.0.1\r\na=mid:0\r\na=rtcp-mux\r\na=rtpmap:111 opus/48000/2\r\n";

        Assert.True(SessionDescription.TryParse(sdp, out var description, out var error), error);

        Assert.Equal(sdp, description.ToString());
    }

    [Theory]
    [InlineData("v=1\r\n", "version")]
    [InlineData("o=- 1 1 IN IP4 1.2.3.4\r\n", "v=")]
    [InlineData("v=0\r\nm=audio notaport RTP/AVP 0\r\n", "m=")]
    [InlineData("v=0\r\nthis is not sdp\r\n", "not an SDP line")]
    public void Malformed_SDP_is_refused_with_an_explanation(string sdp, string mentions)
    {
        Assert.False(SessionDescription.TryParse(sdp, out _, out var error));
        Assert.Contains(mentions, error, StringComparison.Ordinal);
    }
}
