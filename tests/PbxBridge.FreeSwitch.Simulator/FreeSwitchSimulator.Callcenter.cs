using System.Collections.Concurrent;

namespace PbxBridge.FreeSwitch.Simulator;

/// <summary>
/// mod_callcenter's `callcenter_config agent set|get status|state NAME VALUE` as FreeSWITCH 1.10.12 answers it:
/// "+OK" on a set, the bare value on a get, "-ERR Agent not found!" for an agent it has not loaded, "-ERR Invalid
/// Agent Status!" / "-ERR Invalid Agent State!" for values outside its lists. A value may be quoted ('Logged Out').
/// </summary>
public sealed partial class FreeSwitchSimulator
{
    private static readonly HashSet<string> s_statuses = ["Logged Out", "Available", "Available (On Demand)", "On Break"];
    private static readonly HashSet<string> s_states = ["Idle", "Waiting", "Receiving", "In a queue call"];

    private readonly ConcurrentDictionary<string, (string Status, string State)> _callcenterAgents = new(StringComparer.Ordinal);

    /// <summary>The mod_callcenter agent's "status/state", e.g. "Available/Waiting"; null when not defined.</summary>
    public string? CallcenterAgent(string name)
    {
        EnsureCallcenterAgents();
        return _callcenterAgents.TryGetValue(name, out var agent) ? agent.Status + "/" + agent.State : null;
    }

    private string Callcenter(string command)
    {
        EnsureCallcenterAgents();
        // callcenter_config agent set|get status|state NAME ['VALUE']
        var parts = command.Split(' ', 5, StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length != 5 || parts[1] != "agent" || parts[2] is not ("set" or "get") || parts[3] is not ("status" or "state"))
        {
            return "-ERR Invalid command\n";
        }

        var (verb, key) = (parts[2], parts[3]);
        var nameAndValue = parts[4].Split(' ', 2);
        var name = nameAndValue[0];
        var value = nameAndValue.Length > 1 ? nameAndValue[1].Trim().Trim('\'', '"') : string.Empty;
        if (!_callcenterAgents.TryGetValue(name, out var agent))
        {
            return "-ERR Agent not found!\n";
        }

        if (verb == "get")
        {
            return (key == "status" ? agent.Status : agent.State) + "\n";
        }

        if (key == "status" && !s_statuses.Contains(value))
        {
            return "-ERR Invalid Agent Status!\n";
        }

        if (key == "state" && !s_states.Contains(value))
        {
            return "-ERR Invalid Agent State!\n";
        }

        _callcenterAgents[name] = key == "status" ? agent with { Status = value } : agent with { State = value };
        return "+OK\n";
    }

    private void EnsureCallcenterAgents()
    {
        foreach (var name in Options.CallcenterAgents)
        {
            _callcenterAgents.TryAdd(name, ("Logged Out", "Waiting"));
        }
    }
}
