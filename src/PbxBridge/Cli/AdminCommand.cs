using System.CommandLine;
using PbxBridge.Configuration;

namespace PbxBridge.Cli;

/// <summary>The shared shape of the verbs that ask a running instance (calls, hangup, agents): --url, --json, settings.</summary>
public static class AdminCommand
{
    public static readonly Option<string?> Url = new("--url") { Description = "Admin API base URL (default: https://<Http:ListenAddress>:<Http:Port>/)." };
    public static readonly Option<bool> Json = new("--json") { Description = "Print JSON for scripts instead of a table." };

    public static Command Create(string name, string description)
    {
        var command = new Command(name, description);
        command.Options.Add(Url);
        command.Options.Add(Json);
        command.TreatUnmatchedTokensAsErrors = false;
        return command;
    }

    /// <summary>Runs one admin API call and prints what it got (with --json as <paramref name="json"/> shapes it, else
    /// as it came); exit 0 on 2xx, 1 otherwise with the reason.</summary>
    public static async Task<int> CallAsync(ParseResult parse, HttpMethod method, string path, Func<string, string> table, CancellationToken cancellationToken, Func<string, string>? json = null)
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

        using var client = new AdminClient(settings, parse.GetValue(Url));
        try
        {
            var (status, body) = await client.SendAsync(method, path, cancellationToken);
            if (status is < 200 or > 299)
            {
                await Console.Error.WriteLineAsync($"pbxbridge: {method} {path} answered {status}{(body.Length > 0 ? ": " + body : "")}");
                return 1;
            }

            Console.WriteLine(body.Length == 0 ? body : parse.GetValue(Json) ? (json ?? (b => b))(body) : table(body));
            return 0;
        }
        catch (HttpRequestException e)
        {
            await Console.Error.WriteLineAsync($"pbxbridge: no PbxBridge answers at {client.BaseAddress} ({e.Message}); is the service running? (systemctl status pbxbridge)");
            return 1;
        }
        catch (TaskCanceledException)
        {
            await Console.Error.WriteLineAsync($"pbxbridge: {client.BaseAddress} did not answer within 15 s");
            return 1;
        }
    }
}
