using System.CommandLine;
using PbxBridge.Configuration;
using PbxBridge.Sip.Auth;

namespace PbxBridge.Cli;

/// <summary>`pbxbridge agent-hash 1001`: reads the password from stdin and prints the Agents entry with its HA1 hashes.</summary>
public static class AgentHashCommand
{
    public static Command Create()
    {
        var id = new Argument<string>("agent") { Description = "Agent id (SIP user name), e.g. 1001." };
        var name = new Option<string>("--name") { Description = "Display name shown to called parties." };
        var command = new Command("agent-hash", "Read a password from standard input and print the Agents entry (HA1 hashes only) to paste into pbxbridge.json.");
        command.Arguments.Add(id);
        command.Options.Add(name);
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction(parse =>
        {
            PbxBridgeSettings settings;
            try
            {
                settings = PbxBridgeSettings.Bind(ConfigurationFactory.Build(parse.UnmatchedTokens));
            }
            catch (SettingsException e)
            {
                return ConfigurationErrorOutput.Report(e);
            }

            var password = Console.In.ReadLine() ?? "";
            var agent = parse.GetValue(id)!;
            var entry = new AgentOptions
            {
                Id = agent,
                DisplayName = parse.GetValue(name) ?? agent,
                Ha1Md5 = SipDigestHa1.ComputeMd5(agent, settings.Sip.Realm, password),
                Ha1Sha256 = SipDigestHa1.ComputeSha256(agent, settings.Sip.Realm, password),
            };
            Console.WriteLine(System.Text.Json.JsonSerializer.Serialize(entry, CliJsonContext.Default.AgentOptions));
            return 0;
        });
        return command;
    }
}
