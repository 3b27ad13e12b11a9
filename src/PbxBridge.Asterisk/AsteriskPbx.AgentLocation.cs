using PbxBridge.Calls.Pbx;

namespace PbxBridge.Asterisk;

/// <summary>
/// Cluster nodes tell Asterisk which node's ARI application serves an agent: the global variable
/// <c>{app}_agent_{agent}</c> (<c>pbxbridge_agent_1001 = pbxbridge-node1</c>), which the shipped dialplan reads in
/// <c>Stasis(...)</c> for direct and queue calls (pbx-config/asterisk/extensions_pbxbridge.conf). A global, not AstDB:
/// ARI reaches AstDB only through func_db, which not every Asterisk build has, and a pointer must not outlive an
/// Asterisk restart anyway (nodes say "here" again on every reconnect and registration refresh).
/// </summary>
public sealed partial class AsteriskPbx : IPbxAgentLocationPublisher
{
    /// <summary>The global naming the application that serves <paramref name="agentId"/>: "pbxbridge_agent_1001".</summary>
    public string LocationVariableOf(string agentId) => LocationVariablePrefix(Options.App) + agentId;

    /// <summary>"{app}_agent_" with every character a dialplan variable name cannot hold made '_'.</summary>
    public static string LocationVariablePrefix(string app)
    {
        ArgumentNullException.ThrowIfNull(app);
        return string.Concat(app.Select(c => char.IsAsciiLetterOrDigit(c) ? c : '_')) + "_agent_";
    }

    public Task PublishAgentHereAsync(string agentId, CancellationToken cancellationToken) =>
        Client.SetGlobalVariableAsync(LocationVariableOf(agentId), Options.Application, cancellationToken);

    public async Task<bool> WithdrawAgentAsync(string agentId, CancellationToken cancellationToken)
    {
        // Read, then delete only our own value: a node that took the agent meanwhile keeps its pointer. A node taking
        // it within this one round trip has its pointer restored by that agent's next REGISTER refresh.
        // The bare name: ARI's GET reads variables only (ast_str_retrieve_variable), so "GLOBAL(name)" reads as unset
        // there; both verbs without a channel mean the global.
        var variable = LocationVariableOf(agentId);
        var current = await Client.GetGlobalVariableAsync(variable, cancellationToken).ConfigureAwait(false);
        if (!string.Equals(current, Options.Application, StringComparison.Ordinal))
        {
            return false;
        }

        await Client.SetGlobalVariableAsync(variable, null, cancellationToken).ConfigureAwait(false);
        return true;
    }
}
