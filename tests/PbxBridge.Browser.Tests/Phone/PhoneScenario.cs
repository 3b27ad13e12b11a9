using System.Text.Json;
using PbxBridge.Browser.Tests.Harness;

namespace PbxBridge.Browser.Tests.Phone;

/// <summary>Runs a tests/browser/phone/*.mjs scenario against a PbxBridge process; a failure carries the host's log too.</summary>
internal static class PhoneScenario
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    public static Task<JsonElement> RunAsync(PbxBridgeProcess host, string script, params string[] args) =>
        RunInAsync(host, networkNamespace: null, script, args);

    /// <summary>As <see cref="RunAsync"/>, with Chromium in <paramref name="networkNamespace"/> (a <see cref="BrowserNetwork"/>).</summary>
    public static async Task<JsonElement> RunInAsync(PbxBridgeProcess host, string? networkNamespace, string script, params string[] args)
    {
        try
        {
            return await NodeScenario.RunAsync(RepoPaths.BrowserScript("phone", script), args, Timeout, networkNamespace);
        }
        catch (Exception e) when (e is NodeScenarioFailedException or TimeoutException)
        {
            throw new NodeScenarioFailedException($"{e.Message}\n--- pbxbridge output ---\n{host.Output}", e);
        }
    }
}
