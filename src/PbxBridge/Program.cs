using PbxBridge.Cli;

return await CommandLine.Build().Parse(args).InvokeAsync();
