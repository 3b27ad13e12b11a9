using System.Globalization;

namespace PbxBridge.LoadGen.Measurement;

/// <summary>
/// CPU time (utime + stime, proc(5) fields 14 and 15) and resident set size of another process, read from /proc:
/// what the process itself spent, whoever else shares the machine.
/// </summary>
internal readonly record struct ProcessSample(long CpuTicks, long RssKb, long TakenTicks)
{
    // sysconf(_SC_CLK_TCK) is 100 on every Linux configuration .NET supports.
    private const double MillisecondsPerClockTick = 10.0;

    public double CpuMs => CpuTicks * MillisecondsPerClockTick;

    /// <summary>Several processes as one (the nodes of a cluster): CPU and RSS summed.</summary>
    public static ProcessSample Take(IReadOnlyList<int> pids)
    {
        var (cpu, rss) = (0L, 0L);
        foreach (var pid in pids)
        {
            var one = Take(pid);
            (cpu, rss) = (cpu + one.CpuTicks, rss + one.RssKb);
        }

        return new ProcessSample(cpu, rss, System.Diagnostics.Stopwatch.GetTimestamp());
    }

    public static ProcessSample Take(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        // The command name (field 2) may hold spaces and parentheses: fields are counted after its closing ')'.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var utime = long.Parse(fields[11], CultureInfo.InvariantCulture);
        var stime = long.Parse(fields[12], CultureInfo.InvariantCulture);
        long rss = 0;
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                rss = long.Parse(line[6..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
                break;
            }
        }

        return new ProcessSample(utime + stime, rss, System.Diagnostics.Stopwatch.GetTimestamp());
    }
}
