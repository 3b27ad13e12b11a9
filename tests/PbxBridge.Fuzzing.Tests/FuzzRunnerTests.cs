using PbxBridge.Fuzzing.Engine;

namespace PbxBridge.Fuzzing.Tests;

public sealed class FuzzRunnerTests
{
    [Fact]
    public void An_escaping_exception_is_reported_with_an_input_that_reproduces_it()
    {
        using var target = new ThrowsOnZeroByte();

        var report = FuzzRunner.Run(target, 2000, 42);

        Assert.True(report.Exceptions > 0);
        var failure = report.Failures[0];
        Assert.Contains((byte)0, failure.Input);
        Assert.Equal(failure.Input, new MutationEngine(target.Seeds, false).Next(42, failure.Index));
        Assert.Contains("--seed 42 --only " + failure.Index, failure.ToString(), StringComparison.Ordinal);
        Assert.Contains(Convert.ToBase64String(failure.Input), failure.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Rejections_the_component_did_not_count_are_reported()
    {
        using var target = new ForgetsToCount();

        var report = FuzzRunner.Run(target, 500, 1);

        Assert.True(report.Rejected > 0);
        Assert.False(report.RejectionsAllCounted);
    }

    [Fact]
    public void A_target_that_keeps_every_input_shows_heap_growth()
    {
        using var target = new Hoarder();

        var report = FuzzRunner.Run(target, 5000, 1);

        Assert.True(report.HeapGrowthBytes > 4000 * 1000, $"growth {report.HeapGrowthBytes}");
    }

    private sealed class ThrowsOnZeroByte : FuzzTarget
    {
        public override string Name => "throws";

        public override string Description => "throws when the input holds a zero byte";

        public override IReadOnlyList<byte[]> Seeds { get; } = [[1, 2, 3, 4, 5, 6, 7, 8]];

        public override FuzzVerdict Run(byte[] input) =>
            Array.IndexOf(input, (byte)0) >= 0 ? throw new InvalidOperationException("zero") : FuzzVerdict.Accepted;
    }

    private sealed class ForgetsToCount : FuzzTarget
    {
        private long _counted;

        public override string Name => "forgets";

        public override string Description => "counts only every other rejection";

        public override IReadOnlyList<byte[]> Seeds { get; } = [[1, 2, 3, 4]];

        public override long? CountedRejections => _counted;

        public override FuzzVerdict Run(byte[] input)
        {
            if (input.Length == 4)
            {
                return FuzzVerdict.Accepted;
            }

            if (input.Length % 2 == 0)
            {
                _counted++;
            }

            return FuzzVerdict.Rejected;
        }
    }

    private sealed class Hoarder : FuzzTarget
    {
        private readonly List<byte[]> _kept = [];

        public override string Name => "hoarder";

        public override string Description => "keeps a kilobyte per input";

        public override IReadOnlyList<byte[]> Seeds { get; } = [[1, 2, 3, 4]];

        public override FuzzVerdict Run(byte[] input)
        {
            _kept.Add(new byte[1000]);
            return FuzzVerdict.Accepted;
        }
    }
}
