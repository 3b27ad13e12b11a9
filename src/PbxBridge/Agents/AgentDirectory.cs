using System.Collections.Frozen;
using PbxBridge.Configuration;
using PbxBridge.Sip;
using PbxBridge.Sip.Auth;

namespace PbxBridge.Agents;

/// <summary>The agents who may register: the configured "Agents" entries (HA1 only), plus 1001/1002 in demo mode.</summary>
public sealed class AgentDirectory : ISipAgentDirectory
{
    private readonly FrozenDictionary<string, SipAgentCredentials> agents;

    public AgentDirectory(string realm, IEnumerable<SipAgentCredentials> entries)
    {
        Realm = realm;
        agents = entries.ToFrozenDictionary(a => a.AgentId, StringComparer.Ordinal);
    }

    public string Realm { get; }

    public IEnumerable<SipAgentCredentials> All => agents.Values;

    public bool TryGetAgent(string agentId, out SipAgentCredentials credentials) => agents.TryGetValue(agentId, out credentials!);

    public bool Contains(string agentId) => agents.ContainsKey(agentId);

    public static AgentDirectory FromSettings(PbxBridgeSettings settings, string? demoPassword)
    {
        var entries = settings.Agents.Select(a => new SipAgentCredentials(a.Id, a.DisplayName.Length > 0 ? a.DisplayName : a.Id, a.Ha1Md5.ToLowerInvariant(), a.Ha1Sha256.ToLowerInvariant())).ToList();
        if (demoPassword is not null)
        {
            foreach (var id in DemoAgents.Ids)
            {
                if (entries.All(e => e.AgentId != id))
                {
                    entries.Add(new SipAgentCredentials(id, $"Demo agent {id}", SipDigestHa1.ComputeMd5(id, settings.Sip.Realm, demoPassword), SipDigestHa1.ComputeSha256(id, settings.Sip.Realm, demoPassword)));
                }
            }
        }

        return new AgentDirectory(settings.Sip.Realm, entries);
    }
}
