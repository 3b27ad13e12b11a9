using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using PbxBridge.Calls.Media;
using PbxBridge.Calls.Overload;
using PbxBridge.Calls.Tests.Support;

namespace PbxBridge.Calls.Tests.Overload;

/// <summary>An operator reads in the log when each overload step engages and when it is released, with the figures that moved it.</summary>
public sealed class OverloadMonitorTests
{
    [Fact]
    public void Each_step_logs_a_warning_when_it_engages_and_a_line_when_it_is_released()
    {
        var log = new CapturedLog();
        using var mediaLoops = new MediaLoopPool(NullLogger<MediaLoopPool>.Instance, shardCount: 1);
        var controller = new OverloadController(OverloadSettings.Default(5));
        using var monitor = new OverloadMonitor(mediaLoops, controller, new Logger<OverloadMonitor>(log), TimeProvider.System);

        monitor.Apply(new MediaLoadSample(TimeSpan.FromSeconds(1), 0.82, 50, 0, 0));
        monitor.Apply(new MediaLoadSample(TimeSpan.FromSeconds(10), 0.10, 500, 0, 0));

        var lines = log.Lines.Where(l => l.Message.StartsWith("overload", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, lines.Count);
        Assert.Equal(LogLevel.Warning, lines[0].Level);
        Assert.Equal(
            "overload step 1 engaged (busiest media loop 82% awake, 0 of 50 ticks late, 0 skipped): new calls start at Opus complexity 3, calls up already stay at 5",
            lines[0].Message.Replace(" %", "%", StringComparison.Ordinal));
        Assert.Equal(LogLevel.Information, lines[1].Level);
        Assert.StartsWith("overload step 1 released after 10 s under 50", lines[1].Message, StringComparison.Ordinal);
        Assert.EndsWith("every call at Opus complexity 5, new calls accepted", lines[1].Message, StringComparison.Ordinal);
    }
}
