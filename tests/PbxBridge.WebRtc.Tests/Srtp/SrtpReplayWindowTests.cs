using PbxBridge.WebRtc.Srtp;

namespace PbxBridge.WebRtc.Tests.Srtp;

public sealed class SrtpReplayWindowTests
{
    [Fact]
    public void Index_seen_once_is_a_replay_the_second_time()
    {
        var window = new SrtpReplayWindow();
        Assert.False(window.IsReplay(10));
        window.Accept(10);
        Assert.True(window.IsReplay(10));
    }

    [Fact]
    public void Index_older_than_64_behind_the_highest_is_refused()
    {
        var window = new SrtpReplayWindow();
        window.Accept(100);
        Assert.False(window.IsReplay(37));
        Assert.True(window.IsReplay(36));
    }

    [Fact]
    public void Late_packet_inside_the_window_is_accepted_once()
    {
        var window = new SrtpReplayWindow();
        window.Accept(100);
        window.Accept(90 + 20);
        Assert.False(window.IsReplay(105));
        window.Accept(105);
        Assert.True(window.IsReplay(105));
        Assert.True(window.IsReplay(100));
    }

    [Fact]
    public void Jump_larger_than_the_window_clears_the_history()
    {
        var window = new SrtpReplayWindow();
        window.Accept(1);
        window.Accept(1000);
        Assert.False(window.IsReplay(999));
        Assert.True(window.IsReplay(1000));
    }
}
