using BenchmarkDotNet.Running;

// `dotnet run -c Release --project bench/PbxBridge.Benchmarks -- --filter '*'`
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
