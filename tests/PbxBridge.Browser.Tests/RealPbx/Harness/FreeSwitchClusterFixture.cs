using System.Globalization;
using System.Text.Json;
using PbxBridge.Browser.Tests.Harness;

namespace PbxBridge.Browser.Tests.RealPbx.Harness;

/// <summary>
/// The cluster on the real FreeSWITCH: each node its own SIP user agent (127.0.0.1:5091..5093, so the dialplan's
/// fallback pbxbridge_sip, 127.0.0.1:5090, reaches no node: only the published location does), which it publishes
/// per agent in mod_hash's pbxbridge/&lt;agent&gt; that the shipped dialplan reads for agent-&lt;id&gt;; the queue is
/// mod_callcenter's (top-down) whose contacts are loopback/agent-&lt;id&gt;; a dead node's legs end by media_timeout
/// (pbxbridge_media_timeout, 10 s).
/// </summary>
public sealed class FreeSwitchClusterFixture : RealPbxClusterFixture<RealFreeSwitch>
{
    private const string Queue = "pbxbridge-cluster@default";

    /// <summary>pbxbridge_vars.xml's pbxbridge_media_timeout.</summary>
    private static readonly TimeSpan MediaTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Ten minutes of the tone: a queue call outlives a node's kill and restart.</summary>
    private static readonly string LongTone = $"tone_stream://%(600000,0,{RealFreeSwitch.ToneHz})";

    public override double QueueCallerHz => RealFreeSwitch.ToneHz;

    /// <summary>media_timeout, checked by FreeSWITCH's RTP reads, and the hangup's round trip.</summary>
    public override TimeSpan DeadNodeCallsEndWithin => MediaTimeout + TimeSpan.FromSeconds(5);

    /// <summary>mod_hash's pbxbridge/&lt;agent&gt; ("" when none: fs_cli prints "-ERR no reply" for an absent key).</summary>
    public override async Task<string> RouteOfAsync(string agent)
    {
        var value = (await Pbx.ApiAsync($"hash select/pbxbridge/{agent}")).Trim();
        return value.StartsWith("-ERR", StringComparison.Ordinal) ? string.Empty : value;
    }

    public override string RouteTo(int node) => "127.0.0.1:" + SipPort(node).ToString(CultureInfo.InvariantCulture);

    /// <summary>FreeSWITCH has no cluster block in its README: the check is the agents' locations, which the scenario reads.</summary>
    public override Task CheckNodesAsync() => Task.CompletedTask;

    /// <summary>Tiers of the queue <see cref="PrepareSiteAsync"/> loaded, at positions 1, 2, 3 (top-down rings in that order).</summary>
    public override async Task SetUpQueueAsync(IReadOnlyList<string> members)
    {
        ArgumentNullException.ThrowIfNull(members);
        for (var i = 0; i < members.Count; i++)
        {
            var reply = await Pbx.ApiAsync($"callcenter_config tier add {Queue} {members[i]}@default 1 {i + 1}");
            if (!reply.Trim().StartsWith("+OK", StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"tier add {members[i]}: {reply}");
            }
        }
    }

    public override async Task<(bool Free, string Seen)> WaitQueueFreeAsync(string member)
    {
        var seen = string.Empty;
        var free = await Poll.UntilAsync(
            async () => (seen = (await Pbx.ApiAsync($"callcenter_config agent get status {member}@default")).Trim() + "/"
                + (await Pbx.ApiAsync($"callcenter_config agent get state {member}@default")).Trim()) == "Available/Waiting",
            TimeSpan.FromSeconds(15));
        return (free, seen);
    }

    public override Task CallQueueAsync() => Pbx.ApiAsync($"bgapi originate loopback/510/default &playback({LongTone})");

    /// <summary>
    /// FreeSWITCH's legs toward the node (named sofia/pbxbridge/agent-&lt;id&gt;@ip:port after the address they were sent
    /// to). A leg the node itself placed is named after its caller instead; the scenario's calls on the killed node are
    /// all FreeSWITCH's (a queue call, another agent's call to it).
    /// </summary>
    public override async Task<string> ChannelsOfAsync(int node)
    {
        using var json = JsonDocument.Parse(await Pbx.ApiAsync("show channels as json"));
        return json.RootElement.TryGetProperty("rows", out var rows)
            ? string.Join('\n', rows.EnumerateArray().Select(r => r.GetProperty("name").GetString()!).Where(n => n.EndsWith("@" + RouteTo(node), StringComparison.Ordinal)))
            : string.Empty;
    }

    /// <summary>Agents whose mod_hash location still names the node, and any sofia registration.</summary>
    public override async Task<string> LeftOfNodeAsync(int node)
    {
        var left = new List<string>();
        for (var i = 0; i < AgentCount; i++)
        {
            if (await RouteOfAsync(AgentId(i)) == RouteTo(node))
            {
                left.Add($"hash pbxbridge/{AgentId(i)}={RouteTo(node)}");
            }
        }

        var registrations = (await Pbx.ApiAsync("show registrations")).Trim();
        if (!registrations.EndsWith("0 total.", StringComparison.Ordinal))
        {
            left.Add(registrations);
        }

        return string.Join('\n', left);
    }

    protected override IEnumerable<string> NodeSettings(int node) => [$"--Pbx:FreeSwitch:LocalSipPort={SipPort(node)}"];

    /// <summary>
    /// The site's cluster queue: pbxbridge-cluster@default (top-down, no tiers yet) reached at 510, and mod_callcenter
    /// agents 1003..1006 like the shipped example's 1001 and 1002 (callback, contact loopback/agent-&lt;id&gt;).
    /// </summary>
    protected override async Task PrepareSiteAsync()
    {
        var conf = Path.Combine(Pbx.RunDirectory, "conf");
        var callcenter = Path.Combine(conf, "autoload_configs", "callcenter.conf.xml");
        var agents = string.Concat(Enumerable.Range(2, AgentCount - 2).Select(i =>
            $"""<agent name="{AgentId(i)}@default" type="callback" contact="[leg_timeout=20]loopback/agent-{AgentId(i)}/default" status="Logged Out" max-no-answer="0" wrap-up-time="0" reject-delay-time="2" busy-delay-time="2" no-answer-delay-time="2"/>""" + "\n"));
        var text = (await File.ReadAllTextAsync(callcenter))
            .Replace("</queues>", $"""
                  <queue name="{Queue}">
                    <param name="strategy" value="top-down"/>
                    <param name="moh-sound" value="silence_stream://-1"/>
                    <param name="tier-rules-apply" value="false"/>
                    <param name="max-wait-time-with-no-agent" value="0"/>
                  </queue>
                </queues>
                """, StringComparison.Ordinal)
            .Replace("</agents>", agents + "</agents>", StringComparison.Ordinal);
        await File.WriteAllTextAsync(callcenter, text);
        await File.WriteAllTextAsync(Path.Combine(conf, "dialplan", "default", "02_lab_cluster.xml"), $"""
            <include>
              <extension name="lab-cluster-queue"><condition field="destination_number" expression="^510$">
                <action application="answer"/><action application="callcenter" data="{Queue}"/></condition></extension>
            </include>
            """);
        await Pbx.ApiAsync("reloadxml");
        await Pbx.ApiAsync("reload mod_callcenter");
        var list = await Pbx.ApiAsync("callcenter_config agent list");
        if (!list.Contains(AgentId(AgentCount - 1) + "@default", StringComparison.Ordinal))
        {
            throw new InvalidOperationException("mod_callcenter did not load the cluster's agents:\n" + list);
        }
    }

    private static int SipPort(int node) => 5091 + node;
}
