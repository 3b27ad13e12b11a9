using System.Diagnostics;

namespace PbxBridge.Fuzzing.Engine;

/// <summary>
/// Feeds a target N mutated inputs from one seed. An exception escaping <see cref="FuzzTarget.Run"/> is a failure,
/// recorded with its input (the first few kept in full) and the run goes on. Memory is measured as the managed
/// heap after a full collection, taken after the warm-up inputs (JIT, lazily built tables, pooled buffers) and
/// again at the end: a target that keeps something per input shows up as growth.
/// </summary>
public static class FuzzRunner
{
    private const int KeptFailures = 5;

    /// <summary>The index of the input being run right now, for a watchdog that reports a hang.</summary>
    public static long CurrentIndex => Volatile.Read(ref _current);

    private static long _current;

    public static FuzzReport Run(FuzzTarget target, long inputs, ulong seed) => Run(target, seed, 0, inputs);

    /// <summary>Runs inputs [firstIndex, firstIndex + count) of <paramref name="seed"/>; --only N is (N, 1).</summary>
    public static FuzzReport Run(FuzzTarget target, ulong seed, long firstIndex, long count)
    {
        ArgumentNullException.ThrowIfNull(target);
        var engine = new MutationEngine(target.Seeds, target.IsText, target.Tokens, target.LengthFields, target.MaxInputLength);
        var failures = new List<FuzzFailure>();
        long accepted = 0, rejected = 0, exceptions = 0;
        var warmup = Math.Min(count / 10, 1000);
        var baseline = 0L;
        var countedBefore = target.CountedRejections;
        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < count; i++)
        {
            if (i == warmup)
            {
                clock.Stop();
                baseline = GC.GetTotalMemory(forceFullCollection: true);
                clock.Start();
            }

            var index = firstIndex + i;
            Volatile.Write(ref _current, index);
            var input = engine.Next(seed, index);
            try
            {
                if (target.Run(input) == FuzzVerdict.Accepted)
                {
                    accepted++;
                }
                else
                {
                    rejected++;
                }
            }
#pragma warning disable CA1031 // Catching everything is the point: each escaped exception is a finding, kept with its input.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                exceptions++;
                if (failures.Count < KeptFailures)
                {
                    failures.Add(new FuzzFailure(target.Name, seed, index, input, ex));
                }
            }
        }

        clock.Stop();
        var allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
        var end = GC.GetTotalMemory(forceFullCollection: true);
        var countedAfter = target.CountedRejections;
        return new FuzzReport
        {
            Target = target.Name,
            Seed = seed,
            Inputs = count,
            Accepted = accepted,
            Rejected = rejected,
            Exceptions = exceptions,
            Failures = failures,
            Elapsed = clock.Elapsed,
            HeapGrowthBytes = count > warmup ? end - baseline : 0,
            AllocatedBytesPerInput = count == 0 ? 0 : allocated / count,
            CountedRejections = countedAfter - countedBefore,
        };
    }
}
