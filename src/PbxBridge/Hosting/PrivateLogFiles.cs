using System.Text;
using Serilog.Sinks.File;

namespace PbxBridge.Hosting;

/// <summary>Makes each log file 0600 as Serilog opens it (the sink has no mode of its own and would leave 0644 under the
/// usual umask): the files carry agents' ids and addresses.</summary>
public sealed class PrivateLogFiles : FileLifecycleHooks
{
    public override Stream OnFileOpened(string path, Stream underlyingStream, Encoding encoding)
    {
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        return underlyingStream;
    }
}
