using System.Collections.Concurrent;
using System.Text;

namespace PbxBridge.WebRtc.Ice;

/// <summary>
/// Which browser leg owns a local ICE username fragment. A connection that reaches a shared port (the ICE-TCP port,
/// the HTTPS port) names its leg only in its first check's USERNAME ("our ufrag:their ufrag", RFC 8445 §7.2.2), so
/// that is the key. Finding a leg proves nothing: the leg still verifies the check's MESSAGE-INTEGRITY with its
/// password before it answers or trusts the address. Thread-safe.
/// </summary>
public sealed class IceUfragDirectory
{
    private readonly ConcurrentDictionary<string, IIceTcpHost> _legs = new(StringComparer.Ordinal);

    public int Count => _legs.Count;

    internal void Register(string ufrag, IIceTcpHost leg) => _legs[ufrag] = leg;

    /// <summary>Removes the entry only if it is still <paramref name="leg"/>'s.</summary>
    internal void Unregister(string ufrag, IIceTcpHost leg) =>
        _legs.TryRemove(new KeyValuePair<string, IIceTcpHost>(ufrag, leg));

    /// <summary>The leg a check's USERNAME attribute is for: the part before the colon is our ufrag.</summary>
    internal bool TryFind(ReadOnlySpan<byte> username, out IIceTcpHost leg)
    {
        var colon = username.IndexOf((byte)':');
        if (colon <= 0)
        {
            leg = null!;
            return false;
        }

        // Once per connection, not per packet: the string is fine here.
        return _legs.TryGetValue(Encoding.UTF8.GetString(username[..colon]), out leg!);
    }
}
