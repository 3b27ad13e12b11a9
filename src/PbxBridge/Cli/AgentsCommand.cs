using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace PbxBridge.Cli;

/// <summary>`pbxbridge agents`: the registrations, like `pjsip show contacts` / `sofia status profile ... reg`.</summary>
public static class AgentsCommand
{
    public static Command Create()
    {
        var command = AdminCommand.Create("agents", "List registered agents (contacts, flows, expiry, user agent).");
        command.SetAction((parse, ct) => AdminCommand.CallAsync(parse, HttpMethod.Get, "api/agents", Table, ct));
        return command;
    }

    private static string Table(string json)
    {
        using var doc = JsonDocument.Parse(json);
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"{"AGENT",-10} {"FLOW",-24} {"EXPIRES",-22} {"USER AGENT"}");
        var count = 0;
        foreach (var r in doc.RootElement.EnumerateArray())
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"{r.GetProperty("agent").GetString(),-10} {r.GetProperty("flow").GetString(),-24} {r.GetProperty("expires").GetDateTimeOffset():u,-22} {r.GetProperty("userAgent").GetString()}");
            count++;
        }

        text.Append(CultureInfo.InvariantCulture, $"{count} registration{(count == 1 ? "" : "s")}");
        return text.ToString();
    }
}
