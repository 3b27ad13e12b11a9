using PbxBridge.Sip.Sdp;

namespace PbxBridge.Sip.Tests.Sdp;

/// <summary>RFC 3264's direction rules, as both legs use them: the mirror of §6.1, and the same with our own hold
/// (§8.4) kept, which is how the FreeSWITCH leg answers FreeSWITCH's re-INVITE while we hold it.</summary>
public sealed class SdpDirectionTests
{
    [Theory]
    [InlineData(MediaDirection.SendRecv, false, MediaDirection.SendRecv)]
    [InlineData(MediaDirection.SendOnly, false, MediaDirection.RecvOnly)]
    [InlineData(MediaDirection.RecvOnly, false, MediaDirection.SendOnly)]
    [InlineData(MediaDirection.Inactive, false, MediaDirection.Inactive)]
    [InlineData(MediaDirection.SendRecv, true, MediaDirection.SendOnly)]
    [InlineData(MediaDirection.SendOnly, true, MediaDirection.Inactive)]
    [InlineData(MediaDirection.RecvOnly, true, MediaDirection.SendOnly)]
    [InlineData(MediaDirection.Inactive, true, MediaDirection.Inactive)]
    public void The_answer_mirrors_the_offer_and_while_we_hold_we_do_not_receive(MediaDirection offered, bool holding, MediaDirection answer)
    {
        Assert.Equal(answer, SdpDirection.Answer(offered, holding));
    }

    [Theory]
    [InlineData("a=sendonly\r\nm=audio 4000 RTP/AVP 0\r\n", MediaDirection.SendOnly)]
    [InlineData("a=sendonly\r\nm=audio 4000 RTP/AVP 0\r\na=inactive\r\n", MediaDirection.Inactive)]
    [InlineData("m=audio 4000 RTP/AVP 0\r\na=recvonly\r\n", MediaDirection.RecvOnly)]
    [InlineData("m=audio 4000 RTP/AVP 0\r\n", MediaDirection.SendRecv)]
    public void A_stream_declares_its_own_direction_else_the_sessions_else_sendrecv(string tail, MediaDirection declared)
    {
        Assert.True(SessionDescription.TryParse("v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n" + tail, out var session, out var error), error);

        Assert.Equal(declared, SdpDirection.Declared(session.Media[0], session));
    }

    [Theory]
    [InlineData(MediaDirection.SendRecv, "sendrecv")]
    [InlineData(MediaDirection.SendOnly, "sendonly")]
    [InlineData(MediaDirection.RecvOnly, "recvonly")]
    [InlineData(MediaDirection.Inactive, "inactive")]
    public void Each_direction_is_written_as_its_rfc_8866_attribute(MediaDirection direction, string attribute)
    {
        Assert.Equal(attribute, SdpDirection.Attribute(direction));
    }
}
