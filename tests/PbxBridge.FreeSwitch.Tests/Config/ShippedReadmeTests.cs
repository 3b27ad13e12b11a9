using System.Text.RegularExpressions;
using PbxBridge.FreeSwitch.Config;

namespace PbxBridge.FreeSwitch.Tests.Config;

/// <summary>pbx-config/freeswitch/README.md's commands are run as written (the real-PBX tests do): they must work on a stock FreeSWITCH.</summary>
public sealed partial class ShippedReadmeTests
{
    private static readonly string Readme = FreeSwitchConfigRenderer.Shipped().Single(f => f.RelativePath == "README.md").Content;

    public static TheoryData<string> FsCliCommands => [.. FsCliLine().Matches(Readme).Select(m => m.Value.Trim()).Distinct(StringComparer.Ordinal)];

    [Fact]
    public void Readme_has_runnable_fs_cli_commands()
    {
        Assert.NotEmpty(FsCliCommands);
    }

    [Theory]
    [MemberData(nameof(FsCliCommands))]
    public void Every_fs_cli_command_gives_the_event_socket_password(string command)
    {
        // The rendered event_socket.conf.xml replaces vanilla's ClueCon: fs_cli without -p is refused.
        Assert.Matches(@"\s-p\s", command);
    }

    [Fact]
    public void Acl_is_reloaded_before_the_event_socket_that_applies_it()
    {
        // reloadxml does not load acl.conf.xml lists; an apply-inbound-acl naming an unloaded list refuses everyone.
        var commands = Commands();
        var reloadAcl = commands.FindIndex(c => c.EndsWith("-x reloadacl", StringComparison.Ordinal));
        var reloadEsl = commands.FindIndex(c => c.EndsWith("-x 'reload mod_event_socket'", StringComparison.Ordinal));
        var reloadXml = commands.FindIndex(c => c.EndsWith("-x reloadxml", StringComparison.Ordinal));

        Assert.InRange(reloadXml, 0, int.MaxValue);
        Assert.InRange(reloadAcl, reloadXml + 1, int.MaxValue);
        Assert.True(reloadEsl > reloadAcl, "reload mod_event_socket must follow reloadacl");
        Assert.Contains("$OLD_PW", commands[reloadEsl], StringComparison.Ordinal);
        Assert.All(commands.Skip(reloadEsl + 1).Where(c => c.Contains("FS_CLI", StringComparison.Ordinal)), c => Assert.Contains("$NEW_PW", c, StringComparison.Ordinal));
    }

    [Fact]
    public void Install_copies_every_shipped_snippet()
    {
        var commands = string.Join('\n', Commands());

        foreach (var file in FreeSwitchConfigRenderer.Shipped().Where(f => f.RelativePath.EndsWith(".xml", StringComparison.Ordinal)))
        {
            Assert.Contains("\"$DIR/" + file.RelativePath + "\"", commands, StringComparison.Ordinal);
        }
    }

    /// <summary>The lines of the README's sh code blocks, in order.</summary>
    private static List<string> Commands() =>
        [.. ShBlock().Matches(Readme).SelectMany(m => m.Groups[1].Value.Split('\n')).Select(l => l.Trim()).Where(l => l.Length > 0)];

    [GeneratedRegex(@"[^`\n]*fs_cli\W[^`\n]*-x[^`\n]*|[^`\n]*\$FS_CLI\W[^`\n]*-x[^`\n]*")]
    private static partial Regex FsCliLine();

    [GeneratedRegex(@"```sh\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex ShBlock();
}
