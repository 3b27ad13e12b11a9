using System.CommandLine;
using PbxBridge.Cli;

// SIGTERM/SIGINT belong to the .NET host (systemd notify, graceful drain of calls), not to the command-line parser,
// whose own handler would kill the process after two seconds with exit code 143.
return await CommandLine.Build().Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null });
