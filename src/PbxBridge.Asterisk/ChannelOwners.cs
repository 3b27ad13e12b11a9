namespace PbxBridge.Asterisk;

/// <summary>
/// Which calls an ARI channel id belongs to. Usually one; the ;2 half of a Local channel we originated belongs to
/// two when the dialplan sends it into our own app (agent to agent: Stasis(app,agent=1002)): the caller's call,
/// which takes its dial status and hangup cause, and the callee agent's inbound call, whose far party it is.
/// </summary>
internal sealed class ChannelOwners
{
    private readonly object _gate = new();
    private readonly Dictionary<string, AsteriskCall[]> _owners = new(StringComparer.Ordinal);

    public void Add(string channelId, AsteriskCall call)
    {
        lock (_gate)
        {
            _owners[channelId] = _owners.TryGetValue(channelId, out var calls) ? [.. calls.Where(c => c != call), call] : [call];
        }
    }

    public void Remove(string channelId, AsteriskCall call)
    {
        lock (_gate)
        {
            if (!_owners.TryGetValue(channelId, out var calls))
            {
                return;
            }

            var rest = calls.Where(c => c != call).ToArray();
            if (rest.Length == 0)
            {
                _owners.Remove(channelId);
            }
            else
            {
                _owners[channelId] = rest;
            }
        }
    }

    public bool Contains(string channelId)
    {
        lock (_gate)
        {
            return _owners.ContainsKey(channelId);
        }
    }

    /// <summary>The calls owning <paramref name="channelId"/> (a snapshot; empty when none).</summary>
    public IReadOnlyList<AsteriskCall> Of(string channelId)
    {
        lock (_gate)
        {
            return _owners.TryGetValue(channelId, out var calls) ? calls : [];
        }
    }
}
