using PbxBridge.Sip.Refer;

namespace PbxBridge.Sip.Tests.Message;

/// <summary>Refer-To (RFC 3515 §2.1) and the Replaces it may carry (RFC 3891 §6.1, §7), as JsSIP and SIP.js send them.</summary>
public sealed class ReferToTests
{
    [Fact]
    public void A_blind_transfer_names_the_target_user()
    {
        Assert.True(ReferTo.TryParse(["<sip:1002@192.0.2.4>"], out var referTo, out _));
        Assert.Equal("1002", referTo!.User);
        Assert.Null(referTo.Replaces);
    }

    [Fact]
    public void The_rfc3891_example_replaces_header_is_read_from_the_escaped_uri_header()
    {
        // RFC 3891 §7: Refer-To: <sips:alice@atlanta.example.com?Replaces=12345%40192.168.118.3%3Bto-tag%3D12345%3Bfrom-tag%3D5FFE-3994>
        Assert.True(ReferTo.TryParse(["<sips:alice@atlanta.example.com?Replaces=12345%40192.168.118.3%3Bto-tag%3D12345%3Bfrom-tag%3D5FFE-3994>"], out var referTo, out var error), error);

        Assert.Equal(new Replaces("12345@192.168.118.3", "12345", "5FFE-3994", EarlyOnly: false), referTo!.Replaces);
        Assert.Equal("alice", referTo.User);
    }

    [Fact]
    public void Sipjs_attended_transfer_with_a_display_name_and_early_only_parses()
    {
        // SIP.js: "Display" <remoteTarget?Replaces=callId%3Bto-tag%3Dremote%3Bfrom-tag%3Dlocal>
        Assert.True(ReferTo.TryParse(["\"Bob\" <sip:pbxbridge@192.0.2.4;transport=ws?Replaces=abc%3Bto-tag%3Dt1%3Bfrom-tag%3Df1%3Bearly-only>"], out var referTo, out var error), error);

        Assert.Equal(new Replaces("abc", "t1", "f1", EarlyOnly: true), referTo!.Replaces);
    }

    [Theory]
    [InlineData("abc;to-tag=t1", "Replaces needs both to-tag and from-tag (RFC 3891 §6.1)")]
    [InlineData(";to-tag=t1;from-tag=f1", "Replaces has no Call-ID")]
    public void A_replaces_without_its_three_parts_is_refused(string value, string expected)
    {
        Assert.False(Replaces.TryParse(value, out _, out var error));
        Assert.Equal(expected, error);
    }

    [Fact]
    public void None_or_two_refer_to_values_are_refused()
    {
        Assert.False(ReferTo.TryParse([], out _, out var none));
        Assert.False(ReferTo.TryParse(["<sip:1@a>", "<sip:2@a>"], out _, out var two));

        Assert.Equal("REFER without Refer-To", none);
        Assert.Equal("REFER with more than one Refer-To", two);
    }
}
