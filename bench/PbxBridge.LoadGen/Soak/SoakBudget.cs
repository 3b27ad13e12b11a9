using System.Globalization;

namespace PbxBridge.LoadGen.Soak;

/// <summary>
/// The soak's pass mark (issue 11): after the calls, each figure may exceed the baseline by at most
/// <see cref="RelativeTolerance"/> of it, or by a small absolute slack where 10 % of a small count is less than one
/// unit of honest noise. RSS is reported, not judged: the GC and glibc keep freed pages as they see fit.
/// </summary>
internal sealed class SoakBudget
{
    /// <summary>
    /// The thread pool retires idle workers after about 20 s, so a sample taken just before one leaves counts it: two
    /// threads of ~20 is less than 10 % yet honest noise. A short run that does not wait for the pool passes more.
    /// </summary>
    public const int DefaultThreadSlack = 2;

    /// <summary>
    /// An idle PbxBridge holds 2 to 4 MiB of managed heap, and pools (ArrayPool buckets, registrar nonces, caches)
    /// move it by a few hundred KiB between samples. 512 KiB over 1,100 calls still catches any leak of about
    /// half a KiB per call.
    /// </summary>
    public const long HeapSlackBytes = 512 * 1024;

    public SoakBudget(double relativeTolerance, int threadSlack = DefaultThreadSlack)
    {
        RelativeTolerance = relativeTolerance;
        ThreadSlack = threadSlack;
    }

    public double RelativeTolerance { get; }

    public int ThreadSlack { get; }

    /// <summary>Every figure of <paramref name="after"/> over its allowance, as one line each; empty when all are within.</summary>
    public IReadOnlyList<string> Violations(ResourceSample baseline, ResourceSample after)
    {
        ArgumentNullException.ThrowIfNull(baseline);
        ArgumentNullException.ThrowIfNull(after);
        var violations = new List<string>();
        Check(violations, "open fds", baseline.OpenFds, after.OpenFds, 0);

        // No slack: every UDP socket belongs to a call, so an idle process holds exactly as many as before.
        Check(violations, "UDP sockets", baseline.UdpSockets, after.UdpSockets, 0);
        Check(violations, "threads", baseline.Threads, after.Threads, ThreadSlack);
        Check(violations, "managed heap bytes", baseline.HeapBytes, after.HeapBytes, HeapSlackBytes);
        return violations;
    }

    private void Check(List<string> violations, string what, long baseline, long after, long slack)
    {
        var allowed = baseline + Math.Max((long)Math.Floor(baseline * RelativeTolerance), slack);
        if (after > allowed)
        {
            violations.Add(string.Create(CultureInfo.InvariantCulture,
                $"{what}: {after} after the calls, {baseline} before; at most {allowed} allowed ({RelativeTolerance:P0} or +{slack})"));
        }
    }
}
