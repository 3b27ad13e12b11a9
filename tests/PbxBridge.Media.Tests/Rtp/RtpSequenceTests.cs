using PbxBridge.Media.Rtp;

namespace PbxBridge.Media.Tests.Rtp;

public sealed class RtpSequenceTests
{
    [Theory]
    [InlineData(65535, 0, 1)]
    [InlineData(0, 65535, -1)]
    [InlineData(100, 90, -10)]
    [InlineData(65000, 500, 1036)]
    public void Distance_is_signed_across_the_wrap(int from, int to, int expected) =>
        Assert.Equal(expected, RtpSequence.Distance((ushort)from, (ushort)to));

    [Fact]
    public void Newer_holds_across_the_wrap()
    {
        Assert.True(RtpSequence.IsNewer(0, 65535));
        Assert.False(RtpSequence.IsNewer(65535, 0));
        Assert.False(RtpSequence.IsNewer(5, 5));
    }

    [Fact]
    public void Timestamp_distance_wraps_at_32_bits()
    {
        Assert.Equal(960, RtpSequence.TimestampDistance(uint.MaxValue - 959, 0));
        Assert.True(RtpSequence.IsNewerTimestamp(10, uint.MaxValue - 10));
    }
}
