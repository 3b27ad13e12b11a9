using Microsoft.Extensions.Logging;
using PbxBridge.FreeSwitch.Esl;

namespace PbxBridge.FreeSwitch;

/// <summary>
/// Which numbers are PbxBridge agents, for FreeSWITCH's dialplan: on every (re)connect each configured agent id is
/// written to mod_hash as <c>pbxbridge_agents/&lt;id&gt;</c> = 1. The shipped <c>from-pbxbridge</c> context offers an
/// agent's dialled number to PbxBridge only when it is there, so a site number (600, a queue) goes straight to the
/// site's dialplan instead of a doomed call that PbxBridge refuses with 404 and counts as a started call.
/// mod_hash lives in FreeSWITCH's memory: a restarted FreeSWITCH learns the ids again when PbxBridge reconnects; an
/// agent removed from PbxBridge's configuration keeps its entry until FreeSWITCH restarts, and its number is then
/// refused (404) and routed on by the dialplan's fallback, as every number was before.
/// </summary>
public sealed partial class FreeSwitchPbx
{
    /// <summary>mod_hash realm of the configured agent ids.</summary>
    public const string AgentIdsRealm = "pbxbridge_agents";

    private async Task PublishAgentIdsAsync(EslConnection connection)
    {
        try
        {
            foreach (var id in _options.AgentIds)
            {
                var command = $"hash insert/{AgentIdsRealm}/{id}/1";
                var reply = (await connection.ApiAsync(command, _stop.Token).ConfigureAwait(false)).Trim();
                if (!reply.StartsWith("+OK", StringComparison.Ordinal))
                {
                    LogAgentIdsRefused(_logger, command, reply);
                    return;
                }
            }
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or InvalidOperationException)
        {
            // The connection dropped meanwhile: the next connect writes them again.
            LogAgentIdsRefused(_logger, "hash insert", e.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "FreeSWITCH refused {Command}: {Reply}; the dialplan then sends agents' calls to numbers straight to the site (load mod_hash: pbx-config/freeswitch/README.md, step 3)")]
    private static partial void LogAgentIdsRefused(ILogger logger, string command, string reply);
}
