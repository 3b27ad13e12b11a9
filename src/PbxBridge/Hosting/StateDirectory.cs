namespace PbxBridge.Hosting;

/// <summary>
/// The state directory holds the certificate's private key, the demo password, the admin token and the logs (with
/// agents' addresses): created 0700, readable by the service user alone. An existing directory keeps its mode: the
/// installer (systemd StateDirectory=, the Ansible role) decides it there.
/// </summary>
public static class StateDirectory
{
    public static void Ensure(string path)
    {
        if (Directory.Exists(path))
        {
            return;
        }

        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
            return;
        }

        // Parents (e.g. ~/.local/state) get the usual mode; only the directory that is ours is private.
        var parent = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(parent))
        {
            Directory.CreateDirectory(parent);
        }

        Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }
}
