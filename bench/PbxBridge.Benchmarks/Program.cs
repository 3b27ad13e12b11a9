using BenchmarkDotNet.Running;

// `dotnet run -c Release --project bench/PbxBridge.Benchmarks -- --filter '*'`; `-- --interleaved` for the per-frame
// ratio measured in one process and the complexity cost curve (Media/InterleavedFrameCost.cs).
if (args.Length > 0 && args[0] == "--interleaved")
{
    PbxBridge.Benchmarks.Media.InterleavedFrameCost.Run(args);
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
