using PbxBridge.Browser.Tests.Harness;
using PbxBridge.Browser.Tests.RealPbx.Harness;

namespace PbxBridge.Browser.Tests.RealPbx;

/// <summary>
/// Issue 19 on the real Asterisk: <see cref="ClusterScenarios"/> with each node its own ARI application, published per
/// agent in a global the shipped dialplan reads, and a dead node's channels ended by their lease.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class AsteriskClusterTests(AsteriskClusterFixture cluster) : IClassFixture<AsteriskClusterFixture>
{
    [SkippableFact]
    public async Task Three_nodes_behind_haproxy_share_the_queue_and_survive_one_killed_mid_call()
    {
        Skip.If(cluster.SkipReason is not null, cluster.SkipReason);
        await ClusterScenarios.ThreeNodesShareTheQueueAndSurviveOneKilledMidCallAsync(cluster);
    }
}
