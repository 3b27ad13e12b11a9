using PbxBridge.Browser.Tests.Harness;
using PbxBridge.Sip.Auth;

namespace PbxBridge.Browser.Tests.RealPbx.Harness;

/// <summary>The agents of the real-PBX scenarios, configured as production configures them: HA1 hashes only.</summary>
public static class RealPbxAgents
{
    public const string Password = "agent-secret";

    /// <summary>Agents 1001 (microphone 700 Hz) and 1002 (900 Hz), realm pbxbridge.</summary>
    public static IReadOnlyList<string> Settings { get; } =
    [
        .. Agent(0, "1001", "Alice"),
        .. Agent(1, "1002", "Bob"),
    ];

    /// <summary>How long a call from the PBX may take to ring an agent's browser.</summary>
    public static readonly TimeSpan RingTimeout = TimeSpan.FromSeconds(30);

    public const double MicrophoneHz1001 = 700;
    public const double MicrophoneHz1002 = 900;

    /// <summary>PbxBridge on the PBX named by <paramref name="pbxSettings"/>, with both agents.</summary>
    public static Task<PbxBridgeProcess> StartPbxBridgeAsync(IEnumerable<string> pbxSettings) =>
        PbxBridgeProcess.StartAsync(Password, [.. pbxSettings, .. Settings], TimeSpan.FromSeconds(60));

    /// <summary>Launches <paramref name="library"/> in Chromium and registers <paramref name="agent"/>.</summary>
    /// <summary>The library the second agent of a scenario runs: the other one, so each scenario meets both.</summary>
    public static string OtherLibrary(string library) => library == "jssip" ? "sipjs" : "jssip";

    public static async Task<AgentBrowser> SignInAsync(PbxBridgeProcess host, string agent, string library)
    {
        ArgumentNullException.ThrowIfNull(host);
        var browser = await AgentBrowser.LaunchAsync(library, agent == "1001" ? MicrophoneHz1001 : MicrophoneHz1002);
        try
        {
            await browser.RegisterAsync(host.BaseUri, agent, Password);
            return browser;
        }
        catch
        {
            await browser.DisposeAsync();
            throw;
        }
    }

    private static string[] Agent(int index, string id, string name) =>
    [
        $"--Agents:{index}:Id={id}",
        $"--Agents:{index}:DisplayName={name}",
        $"--Agents:{index}:Ha1Md5={SipDigestHa1.ComputeMd5(id, "pbxbridge", Password)}",
        $"--Agents:{index}:Ha1Sha256={SipDigestHa1.ComputeSha256(id, "pbxbridge", Password)}",
    ];
}
