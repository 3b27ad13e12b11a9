namespace PbxBridge.Tests.Cli;

/// <summary>
/// A site file (PBXBRIDGE_CONFIG, /etc/pbxbridge/pbxbridge.json) that is not valid JSON: every verb that reads the
/// configuration says so in one line naming the file and the place, and exits 78 (EX_CONFIG), never with a stack trace.
/// </summary>
public sealed class UnparsableConfigurationTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    // Line 3 is missing its comma: the reader stops at the start of line 4.
    private const string BrokenJson = "{\n  \"Http\": {\n    \"Port\": 8443\n    \"ListenAddress\": \"127.0.0.1\"\n  }\n}\n";

    private readonly string folder = Directory.CreateTempSubdirectory("pbxbridge-badconfig-").FullName;

    public UnparsableConfigurationTests() => File.WriteAllText(SiteFile, BrokenJson);

    private string SiteFile => Path.Combine(folder, "pbxbridge.json");

    public void Dispose() => Directory.Delete(folder, recursive: true);

    public static TheoryData<string[]> Verbs => new()
    {
        new[] { "run" },
        new[] { "agent-hash", "1001" },
        new[] { "config", "render", "--pbx", "asterisk", "--out", "OUT" },
        new[] { "calls" },
    };

    [Theory]
    [MemberData(nameof(Verbs))]
    public async Task The_verb_names_the_file_and_the_line_in_one_line_and_exits_78(string[] verb)
    {
        var args = verb.Select(a => a == "OUT" ? Path.Combine(folder, "rendered") : a).ToArray();

        var (exit, output, _) = await PbxBridgeCli.RunAsync(Timeout, Environment(), args);

        Assert.True(exit == 78, $"exit {exit}: {output}");
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var line = Assert.Single(lines);
        Assert.StartsWith($"pbxbridge: configuration error: {SiteFile} is not valid JSON at line 4, position 5:", line, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(folder, "rendered")), "config render wrote files from an unreadable configuration");
    }

    [Fact]
    public async Task Doctor_fails_the_configuration_check_naming_the_file_and_exits_78()
    {
        var (exit, output, _) = await PbxBridgeCli.RunAsync(Timeout, Environment(), "doctor");

        Assert.True(exit == 78, $"exit {exit}: {output}");
        Assert.Contains($"FAIL  configuration: {SiteFile} is not valid JSON at line 4, position 5:", output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);
        Assert.Equal(2, output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }

    [Fact]
    public async Task A_valid_file_that_is_not_an_object_is_named_too()
    {
        File.WriteAllText(SiteFile, "[1, 2]\n");

        var (exit, output, _) = await PbxBridgeCli.RunAsync(Timeout, Environment(), "run");

        Assert.True(exit == 78, $"exit {exit}: {output}");
        Assert.StartsWith($"pbxbridge: configuration error: {SiteFile} ", Assert.Single(output.Split('\n', StringSplitOptions.RemoveEmptyEntries)), StringComparison.Ordinal);
    }

    private Dictionary<string, string> Environment() => new() { ["PBXBRIDGE_CONFIG"] = SiteFile };
}
