using System.Text.RegularExpressions;
using System.Xml.Linq;
using PbxBridge.FreeSwitch.Config;

namespace PbxBridge.FreeSwitch.Tests.Config;

/// <summary>
/// The shipped dialplan routed by the rule mod_dialplan_xml applies: extensions in order, the first whose conditions
/// all match runs its actions, with $1 from the last match. The agent ids PbxBridge writes into mod_hash
/// (pbxbridge_agents/&lt;id&gt;) are 1001 and 1002 here.
/// </summary>
public sealed class ShippedDialplanTests
{
    private static readonly string[] AgentIds = ["1001", "1002"];

    [Fact]
    public void Agent_dialling_agent_prefix_rings_that_agent_through_pbxbridge()
    {
        var actions = Route("from-pbxbridge", "agent-1002");

        Assert.Contains(actions, a => a.Application == "bridge" && a.Data.EndsWith(AgentTarget("1002"), StringComparison.Ordinal));
        Assert.DoesNotContain(actions, a => a.Application == "transfer");
    }

    [Fact]
    public void Agent_dialling_a_number_tries_the_pbxbridge_agent_first_then_the_sites_dialplan()
    {
        // Vanilla's directory users 1000-1019 in "default" would otherwise catch 1002 (USER_NOT_REGISTERED).
        var actions = Route("from-pbxbridge", "1002");

        var bridge = actions.FindIndex(a => a.Application == "bridge" && a.Data.EndsWith(AgentTarget("1002"), StringComparison.Ordinal));
        var transfer = actions.FindIndex(a => a.Application == "transfer" && a.Data == "1002 XML default");
        Assert.InRange(bridge, 0, int.MaxValue);
        Assert.True(transfer > bridge, "the number goes to the site's dialplan only after the agent attempt");
    }

    [Fact]
    public void A_number_that_is_no_agent_goes_straight_to_the_sites_dialplan()
    {
        // 600 (the echo) is not offered to PbxBridge as agent-600 first: a call it would refuse with 404 and count.
        var actions = Route("from-pbxbridge", "600");

        Assert.DoesNotContain(actions, a => a.Application == "bridge");
        Assert.Contains(actions, a => a.Application == "transfer" && a.Data == "600 XML default");
    }

    [Fact]
    public void Only_an_unknown_agent_falls_through_to_the_sites_dialplan()
    {
        // PbxBridge answers 404 (UNALLOCATED_NUMBER) for an id it has no agent for; a signed-out (480) or busy (486)
        // agent must not ring the directory user of the same number instead.
        var actions = Route("from-pbxbridge", "1002");

        var failover = actions.Where(a => a.Application == "set" && a.Data.StartsWith("continue_on_fail=", StringComparison.Ordinal)).ToList();
        Assert.Equal(["continue_on_fail=UNALLOCATED_NUMBER"], failover.Select(a => a.Data));
        Assert.True(actions.IndexOf(failover[0]) < actions.FindIndex(a => a.Application == "bridge"));
    }

    [Fact]
    public void Agent_calls_mark_the_callee_not_the_caller_as_the_agent_of_the_new_leg()
    {
        foreach (var destination in new[] { "agent-1002", "1002" })
        {
            var bridge = Route("from-pbxbridge", destination).First(a => a.Application == "bridge");

            Assert.Contains("sip_h_X-PbxBridge-Agent=1002", bridge.Data, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Desk_phones_reach_agents_as_agent_prefix_in_default_and_pbxbridge_agents()
    {
        Assert.Contains(Route("pbxbridge-agents", "agent-1002"), a => a.Application == "bridge" && a.Data.EndsWith(AgentTarget("1002"), StringComparison.Ordinal));
        Assert.Contains(RouteIn(Load("dialplan/default/00_pbxbridge_agents.xml").Root!, "agent-1002"), a => a.Application == "bridge");
    }

    [Fact]
    public void Every_bridge_to_an_agent_goes_to_the_node_named_in_mod_hash_and_times_out_without_media()
    {
        foreach (var bridge in new[] { Route("from-pbxbridge", "agent-1002"), Route("from-pbxbridge", "1002"), Route("pbxbridge-agents", "agent-1002"), RouteIn(Load("dialplan/default/00_pbxbridge_agents.xml").Root!, "agent-1002") }
                     .Select(actions => actions.Single(a => a.Application == "bridge")))
        {
            Assert.EndsWith(AgentTarget("1002"), bridge.Data, StringComparison.Ordinal);
            Assert.Contains("media_timeout=$${pbxbridge_media_timeout}", bridge.Data, StringComparison.Ordinal);
        }
    }

    /// <summary>Where the dialplan sends agent <paramref name="id"/>'s calls: the node mod_hash names for it
    /// (pbxbridge/&lt;id&gt;, kept by the nodes), else pbxbridge_sip.</summary>
    private static string AgentTarget(string id) => $"sofia/pbxbridge/agent-{id}@${{regex(${{hash(select/pbxbridge/{id})}}|^$|$${{pbxbridge_sip}})}}";

    private static List<DialplanAction> Route(string context, string destination) =>
        RouteIn(Load("dialplan/pbxbridge.xml").Root!.Elements("context").Single(c => (string?)c.Attribute("name") == context), destination);

    private static List<DialplanAction> RouteIn(XElement context, string destination)
    {
        foreach (var extension in context.Elements("extension"))
        {
            Match? match = null;
            foreach (var condition in extension.Elements("condition"))
            {
                var field = (string)condition.Attribute("field")!;
                var value = field switch
                {
                    "destination_number" => destination,
                    "${hash(select/pbxbridge_agents/${destination_number})}" => AgentIds.Contains(destination) ? "1" : string.Empty,
                    _ => throw new InvalidOperationException($"condition field {field} is not modelled here"),
                };
                match = Regex.Match(value, (string)condition.Attribute("expression")!);
                if (!match.Success)
                {
                    break;
                }
            }

            if (match is { Success: true })
            {
                return [.. extension.Elements("condition").Last().Elements("action").Select(a => new DialplanAction(
                    (string)a.Attribute("application")!,
                    ((string?)a.Attribute("data") ?? string.Empty)
                        .Replace("${destination_number}", destination, StringComparison.Ordinal)
                        .Replace("$1", match.Groups[1].Value, StringComparison.Ordinal)))];
            }
        }

        return [];
    }

    private static XDocument Load(string path) =>
        XDocument.Parse(FreeSwitchConfigRenderer.Shipped().Single(f => f.RelativePath == path).Content);

    private sealed record DialplanAction(string Application, string Data);
}
