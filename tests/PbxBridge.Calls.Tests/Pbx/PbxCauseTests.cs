using PbxBridge.Calls.Pbx;

namespace PbxBridge.Calls.Tests;

/// <summary>The one Q.850 name table both adapters read: Asterisk's ChannelDestroyed cause numbers and FreeSWITCH's
/// Hangup-Cause names give the same cause.</summary>
public sealed class PbxCauseTests
{
    [Theory]
    [InlineData(16, "Normal Clearing", "NORMAL_CLEARING")]
    [InlineData(38, "Network out of order", "NETWORK_OUT_OF_ORDER")]
    [InlineData(487, "", "ORIGINATOR_CANCEL")]
    [InlineData(99, "Some text", "Some text")]
    [InlineData(99, "", "UNKNOWN")]
    public void A_cause_number_gets_its_q850_name_else_the_pbxs_text(int number, string text, string expected) =>
        Assert.Equal(new PbxCause(number, expected), PbxCause.FromQ850(number, text));

    [Fact]
    public void A_q850_name_reads_back_as_its_number_and_anything_else_is_not_one()
    {
        Assert.True(PbxCause.TryFromName("USER_BUSY", out var busy));
        Assert.Equal(PbxCause.UserBusy, busy);
        Assert.False(PbxCause.TryFromName("GATEWAY_DOWN", out _));
        Assert.False(PbxCause.TryFromName("user_busy", out _));
    }
}
