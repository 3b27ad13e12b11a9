using System.CommandLine;
using System.Reflection;

namespace PbxBridge.Cli;

public static class VersionCommand
{
    public static string Version =>
        typeof(VersionCommand).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    public static Command Create()
    {
        var command = new Command("version", "Print PbxBridge's version and the runtime it runs on.");
        command.SetAction(_ =>
        {
            Console.WriteLine($"pbxbridge {Version} (.NET {Environment.Version}, {System.Runtime.InteropServices.RuntimeInformation.OSDescription})");
            return 0;
        });
        return command;
    }
}
