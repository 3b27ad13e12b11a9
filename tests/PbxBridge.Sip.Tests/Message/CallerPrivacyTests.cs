using System.Text;
using PbxBridge.Sip.Message;

namespace PbxBridge.Sip.Tests.Message;

public sealed class CallerPrivacyTests
{
    [Theory]
    // What FreeSWITCH 1.10 sent toward PbxBridge (captured on the loopback wire) for an origination_privacy caller.
    [InlineData("Remote-Party-ID: <sip:5551234@127.0.0.1>;party=calling;screen=no;privacy=full", true, true)]
    [InlineData("Remote-Party-ID: \"Customer\" <sip:5551234@127.0.0.1>;party=calling;screen=yes;privacy=off", false, false)]
    [InlineData("Remote-Party-ID: \"Customer\" <sip:5551234@127.0.0.1>;party=calling;privacy=name", true, false)]
    [InlineData("Remote-Party-ID: \"Customer\" <sip:5551234@127.0.0.1>;party=calling;privacy=uri", false, true)]
    [InlineData("Privacy: id", true, true)]
    [InlineData("Privacy: header;user", true, true)]
    [InlineData("Privacy: none", false, false)]
    [InlineData("X-Other: privacy=full", false, false)]
    public void What_the_caller_withheld_is_read_from_privacy_and_remote_party_id(string header, bool hideName, bool hideNumber)
    {
        var invite = (SipRequest)SipParser.Parse(Encoding.ASCII.GetBytes(
            "INVITE sip:agent-1001@127.0.0.1:5090 SIP/2.0\r\n" +
            "Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK1\r\n" +
            "From: \"Customer\" <sip:5551234@127.0.0.1>;tag=a\r\nTo: <sip:agent-1001@127.0.0.1>\r\n" +
            "Call-ID: c1\r\nCSeq: 1 INVITE\r\nMax-Forwards: 70\r\n" + header + "\r\nContent-Length: 0\r\n\r\n")).Message!;

        Assert.Equal(new CallerPrivacy(hideName, hideNumber), CallerPrivacy.Of(invite));
    }
}
