using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using PbxBridge.Browser.Tests.Harness;

namespace PbxBridge.Browser.Tests.Phone;

/// <summary>
/// The page's pure logic (quality rating, error sentences, timer, remembered agent id) has node:test suites in
/// web/phone/test; this runs them so ./test.sh covers them without a browser.
/// </summary>
public sealed class PhonePageLogicTests
{
    [Fact]
    public async Task Page_logic_suites_pass_under_node_test()
    {
        var phone = Path.Combine(RepoPaths.Root, "web", "phone");
        Assert.True(
            Directory.Exists(Path.Combine(phone, "node_modules", "jssip")),
            "web/phone/node_modules is missing: run web/phone/build.sh (./test.sh does).");

        var startInfo = new ProcessStartInfo("node")
        {
            WorkingDirectory = phone,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "--test", "--test-reporter=spec", "test/" })
        {
            startInfo.ArgumentList.Add(arg);
        }

        using var process = Process.Start(startInfo)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(cts.Token);
        var output = await stdout + await stderr;

        Assert.True(process.ExitCode == 0, $"node --test failed:\n{output}");
        // A suite that silently found no test files would also exit 0.
        var passed = Regex.Match(output, @"pass (\d+)");
        Assert.True(passed.Success && int.Parse(passed.Groups[1].Value, CultureInfo.InvariantCulture) >= 17, $"too few tests ran:\n{output}");
    }
}
