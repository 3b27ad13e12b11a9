using PbxBridge.Browser.Tests.Harness;
using PbxBridge.Browser.Tests.RealPbx.Harness;

namespace PbxBridge.Browser.Tests.RealPbx;

/// <summary>
/// Issue 19 on the real FreeSWITCH: <see cref="ClusterScenarios"/> with each node its own SIP user agent, published per
/// agent in mod_hash for the shipped dialplan (mod_callcenter's contacts go through it too), and a dead node's legs
/// ended by media_timeout.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class FreeSwitchClusterTests(FreeSwitchClusterFixture cluster) : IClassFixture<FreeSwitchClusterFixture>
{
    [SkippableFact]
    public async Task Three_nodes_behind_haproxy_share_the_queue_and_survive_one_killed_mid_call()
    {
        Skip.If(cluster.SkipReason is not null, cluster.SkipReason);
        await ClusterScenarios.ThreeNodesShareTheQueueAndSurviveOneKilledMidCallAsync(cluster);
    }
}
