using PbxBridge.Sip.Message;

namespace PbxBridge.Sip.Tests.Message;

/// <summary>The RFC 3326 Reason header with a Q.850 cause, as the browser gets it and FreeSWITCH sends and reads it.</summary>
public sealed class SipReasonTests
{
    [Fact]
    public void A_q850_reason_is_written_as_mod_sofia_writes_it_and_read_back()
    {
        var header = SipReason.Q850(17, "USER_BUSY");

        Assert.Equal("Q.850;cause=17;text=\"USER_BUSY\"", header);
        Assert.True(SipReason.TryParseQ850(header, out var cause, out var text));
        Assert.Equal(17, cause);
        Assert.Equal("USER_BUSY", text);
    }

    [Fact]
    public void Quotes_in_the_text_are_dropped_so_the_quoted_string_stays_whole() =>
        Assert.Equal("Q.850;cause=41;text=\"shutting down\"", SipReason.Q850(41, "\"shutting\" down"));

    [Theory]
    [InlineData("SIP;cause=200;text=\"Call completed elsewhere\"")]
    [InlineData("Q.850;text=\"NO_CAUSE_NUMBER\"")]
    [InlineData("Q.850;cause=x16")]
    [InlineData(null)]
    public void Other_protocols_and_reasons_without_a_cause_number_are_not_q850_causes(string? header) =>
        Assert.False(SipReason.TryParseQ850(header, out _, out _));

    [Fact]
    public void A_cause_without_text_is_read_with_no_text()
    {
        Assert.True(SipReason.TryParseQ850("Q.850 ; cause = 34", out var cause, out var text));
        Assert.Equal(34, cause);
        Assert.Null(text);
    }
}
