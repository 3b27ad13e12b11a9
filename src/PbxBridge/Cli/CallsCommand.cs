using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace PbxBridge.Cli;

/// <summary>`pbxbridge calls` and `pbxbridge calls show ID`: what calls are up, with their PBX ids and packet counters.</summary>
public static class CallsCommand
{
    public static Command Create()
    {
        var calls = AdminCommand.Create("calls", "List active calls of the running instance (agent, PBX id, media addresses, packets).");
        calls.SetAction((parse, ct) => AdminCommand.CallAsync(parse, HttpMethod.Get, "api/calls", Table, ct));
        var id = new Argument<string>("id") { Description = "Call id from `pbxbridge calls`." };
        var show = AdminCommand.Create("show", "Show one call in detail.");
        show.Arguments.Add(id);
        show.SetAction((parse, ct) => AdminCommand.CallAsync(parse, HttpMethod.Get, $"api/calls/{Uri.EscapeDataString(parse.GetValue(id)!)}", body => body, ct));
        calls.Subcommands.Add(show);
        return calls;
    }

    internal static string Table(string json)
    {
        using var doc = JsonDocument.Parse(json);
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"{"ID",-17} {"DIR",-9} {"STATE",-8} {"AGENT",-8} {"REMOTE",-14} {"PBX ID",-38} {"CODEC",-11} {"IN/OUT PKTS",-15} {"LOST"}");
        var count = 0;
        foreach (var c in doc.RootElement.EnumerateArray())
        {
            var media = c.GetProperty("media");
            text.AppendLine(CultureInfo.InvariantCulture,
                $"{c.GetProperty("id").GetString(),-17} {c.GetProperty("direction").GetString(),-9} {c.GetProperty("state").GetString(),-8} {c.GetProperty("agentId").GetString(),-8} {c.GetProperty("remoteParty").GetString(),-14} {c.GetProperty("pbxId").GetString() ?? "-",-38} {(c.TryGetProperty("pbxCodec", out var codec) ? codec.GetString() : null) ?? "-",-11} {media.GetProperty("packetsFromBrowser").GetInt64() + "/" + media.GetProperty("packetsToBrowser").GetInt64(),-15} {media.GetProperty("lost").GetInt64()}");
            count++;
        }

        text.Append(CultureInfo.InvariantCulture, $"{count} active call{(count == 1 ? "" : "s")}");
        return text.ToString();
    }
}
