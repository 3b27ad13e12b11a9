namespace PbxBridge.Configuration;

/// <summary>Section "State": where PbxBridge keeps what it generates (self-signed certificate, demo password).</summary>
public sealed class StateOptions
{
    public const string Section = "State";

    public string Directory { get; set; } = DefaultDirectory();

    private static string DefaultDirectory()
    {
        // A packaged install sets /var/lib/pbxbridge (StateDirectory= in the unit); a checkout keeps it per user.
        var xdg = Environment.GetEnvironmentVariable("XDG_STATE_HOME");
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        return Path.Combine(string.IsNullOrEmpty(xdg) ? Path.Combine(home, ".local", "state") : xdg, "pbxbridge");
    }
}
