using System.Globalization;
using PbxBridge.Calls.Pbx;

namespace PbxBridge.FreeSwitch;

/// <summary>
/// Where an agent is registered, for FreeSWITCH's dialplan: with several PbxBridge nodes in front of one FreeSWITCH,
/// each node keeps mod_hash's <c>pbxbridge/&lt;agent&gt;</c> set to its own SIP user agent's address (ip:port) while the
/// agent is signed in there, and the shipped dialplan bridges <c>agent-&lt;id&gt;</c> (queue calls included: their
/// contact is a loopback to it) to <c>sofia/pbxbridge/agent-&lt;id&gt;@${hash(select/pbxbridge/&lt;id&gt;)}</c>, falling back to
/// <c>pbxbridge_sip</c> when no node claims the agent. The latest sign-in wins; a node clears only its own entry
/// (<c>delete_ifmatch</c>), so a node that knows nothing of an agent never unpublishes where another node serves it.
/// mod_hash lives in FreeSWITCH's memory: a restarted FreeSWITCH learns it again when each node reconnects and
/// publishes its agents. Used on cluster nodes only (Cluster:NodeId); a single node needs no pointer.
/// </summary>
public sealed partial class FreeSwitchPbx : IPbxAgentLocationPublisher
{
    /// <summary>mod_hash realm of the agents' locations.</summary>
    public const string LocationRealm = "pbxbridge";

    /// <summary>What this node writes as an agent's location: the address FreeSWITCH sends the agent's INVITEs to.</summary>
    public string? LocationValue => _agent?.LocalEndPoint is { } local
        ? string.Create(CultureInfo.InvariantCulture, $"{_options.LocalSipAddress}:{local.Port}")
        : null;

    /// <summary>
    /// The agent is registered on this node: FreeSWITCH's calls to it come here from now on (the latest sign-in wins).
    /// Throws when FreeSWITCH refuses it (no mod_hash: the dialplan could not find the agent's node).
    /// </summary>
    public async Task PublishAgentHereAsync(string agentId, CancellationToken cancellationToken)
    {
        if (LocationValue is not { } here)
        {
            return;
        }

        var command = $"hash insert/{LocationRealm}/{agentId}/{here}";
        var reply = (await ((IFreeSwitchApi)this).ApiAsync(command, cancellationToken).ConfigureAwait(false)).Trim();
        if (!reply.StartsWith("+OK", StringComparison.Ordinal))
        {
            throw new InvalidOperationException(reply.Contains("Command not found", StringComparison.Ordinal)
                ? $"{command}: mod_hash is not loaded in FreeSWITCH; load it (pbx-config/freeswitch/README.md, step 3)"
                : $"{command}: {reply}");
        }
    }

    /// <summary>
    /// The agent has no registration left here: removes its location only if it still names this node. True when it
    /// did, so the agent may be told signed out; false when another node serves the agent now (whose state it then is
    /// to tell) or none is named.
    /// </summary>
    public async Task<bool> WithdrawAgentAsync(string agentId, CancellationToken cancellationToken)
    {
        if (LocationValue is not { } here)
        {
            return false;
        }

        // "+OK": it was ours and is gone; "-ERR Not found": nobody's; "-ERR Doesn't match": another node's.
        var reply = (await ((IFreeSwitchApi)this).ApiAsync($"hash delete_ifmatch/{LocationRealm}/{agentId}/{here}", cancellationToken).ConfigureAwait(false)).Trim();
        return reply.StartsWith("+OK", StringComparison.Ordinal);
    }
}
