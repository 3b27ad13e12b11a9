using PbxBridge.Fuzzing.Engine;
using PbxBridge.Fuzzing.Targets;

namespace PbxBridge.Fuzzing.Tests;

/// <summary>
/// The CI share of the fuzzing (bench/fuzz.sh runs 1,000,000 per target): 10,000 mutated inputs per parser from a
/// fixed seed. Nothing may escape, both verdicts must occur (the mutations reach past the first check, and the
/// seeds still pass it), every rejection must be counted by the component where it keeps a counter, and the
/// managed heap after a full collection may not grow more than 8 MiB over the run: every target keeps fixed-size
/// state (SRTP stream tables of 8, a 64-slot jitter buffer, SIP transactions that expire on the manual clock), so
/// growth means something is kept per input; 8 MiB leaves room for the runtime's own caches and nothing for
/// 10,000 inputs' worth of retained bytes (the smallest input is tens of bytes, plus the objects holding it).
/// </summary>
public sealed class ParserFuzzTests
{
    private const long Inputs = 10_000;
    private const ulong Seed = 20_261_122;
    private const long HeapGrowthBound = 8 * 1024 * 1024;

    public static TheoryData<string> Targets() => [.. FuzzTargets.Names];

    [Theory]
    [MemberData(nameof(Targets))]
    public void Ten_thousand_mutated_inputs_neither_escape_nor_go_uncounted_nor_grow_the_heap(string name)
    {
        using var target = FuzzTargets.Create(name);

        var report = FuzzRunner.Run(target, Inputs, Seed);

        Assert.True(report.Exceptions == 0, string.Join("\n", report.Failures));
        Assert.Equal(Inputs, report.Accepted + report.Rejected);
        Assert.InRange(report.Accepted, 1, Inputs - 1);
        Assert.True(report.RejectionsAllCounted, $"{report.Rejected} rejected, {report.CountedRejections} counted by the component");
        Assert.True(report.HeapGrowthBytes < HeapGrowthBound, $"heap grew by {report.HeapGrowthBytes} bytes");
    }
}
