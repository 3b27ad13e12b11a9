using System.Collections.Concurrent;

namespace PbxBridge.FreeSwitch.Simulator;

/// <summary>
/// mod_hash's `hash insert|select|delete|delete_ifmatch/REALM/KEY[/VALUE]` as FreeSWITCH 1.10.12 answers it (fs_cli,
/// stock build): "+OK" on insert and on a delete that removed something, the bare value (empty when absent) on select,
/// "-ERR Not found" deleting what is absent, "-ERR Doesn't match" on delete_ifmatch of another value.
/// </summary>
public sealed partial class FreeSwitchSimulator
{
    private readonly ConcurrentDictionary<string, string> _hash = new(StringComparer.Ordinal);

    /// <summary>mod_hash's value of REALM/KEY, null when absent.</summary>
    public string? HashValue(string realm, string key) => _hash.TryGetValue(realm + "/" + key, out var value) ? value : null;

    private string Hash(string command)
    {
        // "hash VERB/REALM/KEY[/VALUE]": the value may itself hold '/'.
        var parts = command.Length > 5 ? command[5..].Split('/', 4) : [];
        if (parts.Length < 3)
        {
            return "-ERR Usage: hash <insert|insert_ifempty|delete|delete_ifmatch>/<realm>/<key>/<val>\n";
        }

        var key = parts[1] + "/" + parts[2];
        var value = parts.Length > 3 ? parts[3] : null;
        switch (parts[0])
        {
            case "insert" when value is not null:
                _hash[key] = value;
                return "+OK\n";
            case "select":
                return _hash.TryGetValue(key, out var current) ? current : string.Empty;
            case "delete":
                return _hash.TryRemove(key, out _) ? "+OK\n" : "-ERR Not found\n";
            case "delete_ifmatch" when value is not null:
                if (!_hash.TryGetValue(key, out var held))
                {
                    return "-ERR Not found\n";
                }

                return held == value && _hash.TryRemove(new KeyValuePair<string, string>(key, held)) ? "+OK\n" : "-ERR Doesn't match\n";
            default:
                return "-ERR Usage: hash <insert|insert_ifempty|delete|delete_ifmatch>/<realm>/<key>/<val>\n";
        }
    }
}
