using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace PbxBridge.Cli;

/// <summary>
/// `pbxbridge calls`: what calls are up, with their node, PBX ids and packet counters: every node's with Cluster:Redis
/// (the nodes' heartbeats, at most 2 s old), else this node's. `pbxbridge calls show ID`: one call of this node in detail.
/// </summary>
public static class CallsCommand
{
    public static Command Create()
    {
        var calls = AdminCommand.Create("calls", "List active calls of the cluster (every node's with Cluster:Redis, else this node's): node, agent, PBX id, packets.");
        calls.SetAction((parse, ct) => AdminCommand.CallAsync(parse, HttpMethod.Get, "api/cluster", ClusterTable, ct, FlatCalls));
        var id = new Argument<string>("id") { Description = "Call id from `pbxbridge calls`." };
        var show = AdminCommand.Create("show", "Show one call in detail.");
        show.Arguments.Add(id);
        show.SetAction((parse, ct) => AdminCommand.CallAsync(parse, HttpMethod.Get, $"api/calls/{Uri.EscapeDataString(parse.GetValue(id)!)}", body => body, ct));
        calls.Subcommands.Add(show);
        return calls;
    }

    /// <summary>The cluster's calls as one JSON array, each call with its "node".</summary>
    internal static string FlatCalls(string clusterJson)
    {
        var report = JsonNode.Parse(clusterJson)!;
        var calls = new JsonArray();
        foreach (var node in report["nodes"]!.AsArray())
        {
            foreach (var call in node!["calls"]!.AsArray())
            {
                var copy = call!.DeepClone().AsObject();
                copy.Insert(0, "node", node["node"]!.GetValue<string>());
                calls.Add(copy);
            }
        }

        return calls.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }

    /// <summary>The table of <see cref="FlatCalls"/>, under a line saying where the view comes from.</summary>
    internal static string ClusterTable(string clusterJson)
    {
        using var doc = JsonDocument.Parse(clusterJson);
        var root = doc.RootElement;
        var nodes = root.GetProperty("nodes").EnumerateArray().Select(n => n.GetProperty("node").GetString()).ToList();
        var from = root.GetProperty("source").GetString() == "redis"
            ? $"cluster (Redis): {nodes.Count} node{(nodes.Count == 1 ? "" : "s")} alive: {string.Join(", ", nodes)}"
            : $"node {root.GetProperty("node").GetString()} only (no Cluster:Redis, or Redis unreachable)";
        return from + "\n" + Table(FlatCalls(clusterJson));
    }

    internal static string Table(string json)
    {
        using var doc = JsonDocument.Parse(json);
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"{"NODE",-10} {"ID",-17} {"DIR",-9} {"STATE",-8} {"AGENT",-8} {"REMOTE",-14} {"PBX ID",-38} {"CODEC",-11} {"IN/OUT PKTS",-15} {"LOST"}");
        var count = 0;
        foreach (var c in doc.RootElement.EnumerateArray())
        {
            var media = c.GetProperty("media");
            text.AppendLine(CultureInfo.InvariantCulture,
                $"{(c.TryGetProperty("node", out var node) ? node.GetString() : "-"),-10} {c.GetProperty("id").GetString(),-17} {c.GetProperty("direction").GetString(),-9} {c.GetProperty("state").GetString(),-8} {c.GetProperty("agentId").GetString(),-8} {c.GetProperty("remoteParty").GetString(),-14} {c.GetProperty("pbxId").GetString() ?? "-",-38} {(c.TryGetProperty("pbxCodec", out var codec) ? codec.GetString() : null) ?? "-",-11} {media.GetProperty("packetsFromBrowser").GetInt64() + "/" + media.GetProperty("packetsToBrowser").GetInt64(),-15} {media.GetProperty("lost").GetInt64()}");
            count++;
        }

        text.Append(CultureInfo.InvariantCulture, $"{count} active call{(count == 1 ? "" : "s")}");
        return text.ToString();
    }
}
