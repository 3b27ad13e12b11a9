using System.CommandLine;
using PbxBridge.Calls.Pbx;
using PbxBridge.Configuration;

namespace PbxBridge.Cli;

/// <summary>`pbxbridge config render --pbx asterisk|freeswitch --out DIR`: the PBX snippets with this site's values.</summary>
public static class ConfigCommand
{
    public static Command Create()
    {
        var pbx = new Option<string>("--pbx") { Description = "asterisk or freeswitch.", Required = true };
        pbx.AcceptOnlyFromAmong("asterisk", "freeswitch");
        var output = new Option<DirectoryInfo>("--out") { Description = "Folder to write the snippets into (created if missing).", Required = true };
        var render = new Command("render", "Write the PBX configuration snippets PbxBridge expects, filled with this site's values.");
        render.Options.Add(pbx);
        render.Options.Add(output);
        render.TreatUnmatchedTokensAsErrors = false;
        render.SetAction(parse =>
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

            var files = PbxConfigRendering.Render(parse.GetValue(pbx)!, settings);
            var folder = parse.GetValue(output)!;
            foreach (var file in files)
            {
                var path = Path.Combine(folder.FullName, file.RelativePath);
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                File.WriteAllText(path, file.Content);
                Console.WriteLine($"wrote {path}");
            }

            return 0;
        });
        var config = new Command("config", "Configuration tools.");
        config.Subcommands.Add(render);
        return config;
    }
}
