namespace PbxBridge.Testing;

/// <summary>
/// Finds the checkout from wherever the test assembly runs (bin/Debug/net10.0 under the test project)
/// by walking up to the folder that holds PbxBridge.sln, so tests never depend on the working directory.
/// </summary>
public static class RepoPaths
{
    private static readonly Lazy<string> RootPath = new(FindRoot);

    public static string Root => RootPath.Value;

    /// <summary>tests/browser: the npm folder (playwright-core, JsSIP, SIP.js) every node scenario runs from.</summary>
    public static string BrowserTests => Path.Combine(Root, "tests", "browser");

    /// <summary>The built executable as the host contract names it.</summary>
    public static string PbxBridgeDll => Path.Combine(Root, "src", "PbxBridge", "bin", "Debug", "net10.0", "pbxbridge.dll");

    /// <summary>The built agent page (web/phone/build.sh writes it).</summary>
    public static string PhoneBuildOutput => Path.Combine(Root, "src", "PbxBridge", "wwwroot", "phone");

    public static string Docs => Path.Combine(Root, "docs");

    /// <summary>A scenario script under tests/browser, e.g. <c>BrowserScript("phone", "call-tone.mjs")</c>.</summary>
    public static string BrowserScript(params string[] parts) => Path.Combine([BrowserTests, .. parts]);

    private static string FindRoot()
    {
        // An explicit root wins, for test binaries run from outside the checkout.
        var configured = Environment.GetEnvironmentVariable("PBXBRIDGE_REPO_ROOT");
        if (!string.IsNullOrEmpty(configured) && File.Exists(Path.Combine(configured, "PbxBridge.sln")))
        {
            return configured;
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "PbxBridge.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No PbxBridge.sln above {AppContext.BaseDirectory}; run the tests from the checkout.");
    }
}
