using System.CommandLine;

namespace PbxBridge.Cli;

/// <summary>
/// `pbxbridge [run|doctor|calls|hangup|agents|config render|agent-hash|version]`, like `asterisk -rx` and `fs_cli -x`
/// next to it. Any --Section:Key=Value argument is a configuration setting for every verb.
/// </summary>
public static class CommandLine
{
    public static RootCommand Build()
    {
        var root = new RootCommand("PbxBridge: WebRTC agents (SIP over WSS) in front of Asterisk (ARI) or FreeSWITCH (ESL), plain RTP to the PBX.");
        var run = RunCommand.Create();
        root.Subcommands.Add(run);
        root.Subcommands.Add(DoctorCommand.Create());
        root.Subcommands.Add(CallsCommand.Create());
        root.Subcommands.Add(HangupCommand.Create());
        root.Subcommands.Add(AgentsCommand.Create());
        root.Subcommands.Add(ConfigCommand.Create());
        root.Subcommands.Add(AgentHashCommand.Create());
        root.Subcommands.Add(VersionCommand.Create());

        // `pbxbridge --Http:Port=8443` with no verb runs the service, as systemd units usually write it.
        root.TreatUnmatchedTokensAsErrors = false;
        root.SetAction((parse, ct) => RunCommand.ExecuteAsync(parse.UnmatchedTokens, ct));
        return root;
    }
}
