using System.Text.RegularExpressions;
using PbxBridge.Browser.Tests.Harness;

namespace PbxBridge.Browser.Tests.RealPbx.Harness;

/// <summary>
/// The cluster on the real Asterisk: each node its own ARI application pbxbridge-nodeN, which it publishes per agent in
/// the global pbxbridge_agent_&lt;agent&gt; that the shipped dialplan reads; the queue is app_queue's (linear) of
/// Local channels into pbxbridge-agents; a dead node's channels end by their lease (TIMEOUT(absolute), renewed
/// every third of Media:ConsentTimeoutSeconds while the node lives).
/// </summary>
public sealed partial class AsteriskClusterFixture : RealPbxClusterFixture<RealAsterisk>
{
    private const string Queue = "pbxbridge-cluster";

    public override double QueueCallerHz => RealAsterisk.MilliwattHz;

    /// <summary>One lease, and the hangup's round trip.</summary>
    public override TimeSpan DeadNodeCallsEndWithin => TimeSpan.FromSeconds(ConsentTimeoutSeconds + 5);

    public override async Task<string> RouteOfAsync(string agent)
    {
        var globals = await Pbx.RxAsync("dialplan show globals");
        var line = globals.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.StartsWith($"pbxbridge_agent_{agent}=", StringComparison.Ordinal));
        return line is null ? string.Empty : line[(line.IndexOf('=', StringComparison.Ordinal) + 1)..];
    }

    public override string RouteTo(int node) => "pbxbridge-" + NodeId(node);

    public override Task CheckNodesAsync() => Pbx.RunDocumentedStepsAsync("cluster", Pbx.PbxBridgeSettings);

    public override async Task SetUpQueueAsync(IReadOnlyList<string> members)
    {
        ArgumentNullException.ThrowIfNull(members);
        await File.AppendAllTextAsync(
            Path.Combine(Pbx.RunDirectory, "etc", "queues.conf"),
            $"\n[{Queue}]\nstrategy = linear\nringinuse = no\ntimeout = 15\nretry = 1\n");
        await Pbx.RxAsync("module reload app_queue.so");
        foreach (var id in members)
        {
            await Pbx.RxAsync($"queue add member Local/{id}@pbxbridge-agents/n to {Queue} penalty 0 as agent{id} state_interface Stasis:pbxbridge-{id}");
        }

        await Pbx.RxAsync("dialplan add extension 510,1,Answer() into lab-queue");
        await Pbx.RxAsync($"dialplan add extension 510,2,Queue({Queue},t) into lab-queue");
    }

    public override async Task<(bool Free, string Seen)> WaitQueueFreeAsync(string member)
    {
        var line = string.Empty;
        var free = await Poll.UntilAsync(
            async () => (line = Colour().Replace((await Pbx.RxAsync($"queue show {Queue}")).Split('\n').FirstOrDefault(l => l.Contains("agent" + member, StringComparison.Ordinal)) ?? "", string.Empty))
                .Contains("(Not in use)", StringComparison.Ordinal),
            TimeSpan.FromSeconds(15));
        return (free, line);
    }

    public override Task CallQueueAsync() => Pbx.RxAsync("channel originate Local/510@lab-queue application Milliwatt");

    public override async Task<string> ChannelsOfAsync(int node) =>
        string.Join('\n', (await Pbx.RxAsync("core show channels concise")).Split('\n').Where(l => l.Contains(RouteTo(node), StringComparison.Ordinal)));

    /// <summary>Globals still naming the node (its agents moved: none may).</summary>
    public override async Task<string> LeftOfNodeAsync(int node) =>
        string.Join('\n', (await Pbx.RxAsync("dialplan show globals")).Split('\n').Select(l => l.Trim())
            .Where(l => l.StartsWith("pbxbridge_agent_", StringComparison.Ordinal) && l.EndsWith("=" + RouteTo(node), StringComparison.Ordinal)));

    protected override IEnumerable<string> NodeSettings(int node) => [];

    protected override Task PrepareSiteAsync() => Task.CompletedTask;

    [GeneratedRegex(@"\x1b\[[0-9;]*m")]
    private static partial Regex Colour();
}
