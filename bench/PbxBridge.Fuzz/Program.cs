using System.Diagnostics;
using System.Globalization;
using PbxBridge.Fuzzing.Engine;
using PbxBridge.Fuzzing.Targets;

// pbxbridge-fuzz [--inputs N] [--seed N] [--target a,b|all] [--only INDEX] [--max-heap-growth-mib N] [--stall-seconds N]
// Exit codes: 0 clean; 1 an exception escaped or a rule broke; 2 a rejection was not counted or the heap grew past
// the bound; 3 one input ran longer than --stall-seconds (a hang; the input is printed first).
var inputs = 1_000_000L;
var seed = 11UL;
var targets = FuzzTargets.Names.ToList();
long? only = null;
var maxHeapGrowthMib = 32L;
var stallSeconds = 60;
for (var i = 0; i < args.Length; i++)
{
    var value = i + 1 < args.Length ? args[i + 1] : throw new ArgumentException($"{args[i]} needs a value");
    switch (args[i++])
    {
        case "--inputs": inputs = long.Parse(value, CultureInfo.InvariantCulture); break;
        case "--seed": seed = ulong.Parse(value, CultureInfo.InvariantCulture); break;
        case "--target": targets = value == "all" ? [.. FuzzTargets.Names] : [.. value.Split(',', StringSplitOptions.RemoveEmptyEntries)]; break;
        case "--only": only = long.Parse(value, CultureInfo.InvariantCulture); break;
        case "--max-heap-growth-mib": maxHeapGrowthMib = long.Parse(value, CultureInfo.InvariantCulture); break;
        case "--stall-seconds": stallSeconds = int.Parse(value, CultureInfo.InvariantCulture); break;
        default: throw new ArgumentException($"unknown option {args[i - 1]}");
    }
}

var exit = 0;
foreach (var name in targets)
{
    using var target = FuzzTargets.Create(name);
    using var watchdog = Watchdog.Start(target, seed, TimeSpan.FromSeconds(stallSeconds));
    var report = only is { } index ? FuzzRunner.Run(target, seed, index, 1) : FuzzRunner.Run(target, inputs, seed);
    using var process = Process.GetCurrentProcess();
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{report}  peak working set {process.PeakWorkingSet64 / (1024 * 1024)} MiB  ({report.Elapsed.TotalSeconds:F1} s, seed {seed})"));
    if (target.Depth is { } depth)
    {
        Console.WriteLine($"{name,-10} {depth}");
    }

    foreach (var failure in report.Failures)
    {
        Console.WriteLine(failure);
    }

    if (report.Exceptions > 0)
    {
        exit = Math.Max(exit, 1);
    }
    else if (!report.RejectionsAllCounted || report.HeapGrowthBytes > maxHeapGrowthMib * 1024 * 1024)
    {
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{name}: rejected {report.Rejected}, counted by the component {report.CountedRejections}; heap growth {report.HeapGrowthBytes / (1024 * 1024)} MiB (bound {maxHeapGrowthMib} MiB)"));
        exit = Math.Max(exit, 2);
    }
}

return exit;

/// <summary>Reports an input that has been running too long, with the bytes, then ends the process (a hang cannot be unwound).</summary>
internal sealed class Watchdog : IDisposable
{
    private readonly Timer _timer;
    private long _lastIndex = -1;
    private long _sameSince = Environment.TickCount64;

    private Watchdog(FuzzTarget target, ulong seed, TimeSpan stall)
    {
        _timer = new Timer(_ => Check(target, seed, stall), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
    }

    public static Watchdog Start(FuzzTarget target, ulong seed, TimeSpan stall) => new(target, seed, stall);

    public void Dispose() => _timer.Dispose();

    private void Check(FuzzTarget target, ulong seed, TimeSpan stall)
    {
        var index = FuzzRunner.CurrentIndex;
        if (index != _lastIndex)
        {
            _lastIndex = index;
            _sameSince = Environment.TickCount64;
            return;
        }

        if (Environment.TickCount64 - _sameSince < stall.TotalMilliseconds)
        {
            return;
        }

        var input = new MutationEngine(target.Seeds, target.IsText, target.Tokens, target.LengthFields, target.MaxInputLength).Next(seed, index);
        Console.WriteLine(new FuzzFailure(target.Name, seed, index, input, new TimeoutException($"input {index} still running after {stall.TotalSeconds:F0} s")));
        Environment.Exit(3);
    }
}
