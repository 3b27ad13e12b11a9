using System.Collections.Concurrent;
using System.Text;

namespace PbxBridge.WebRtc.Ice;

/// <summary>
/// Which browser leg owns a local ICE username fragment, for the ports legs share: the ICE-TCP port and the HTTPS
/// port (<typeparamref name="TLeg"/> = <see cref="IIceTcpHost"/>, looked up once per connection) and the single UDP
/// port (its legs, looked up for every STUN check). A check names its leg only in its USERNAME ("our ufrag:their
/// ufrag", RFC 8445 §7.2.2), so that is the key. Finding a leg proves nothing: the leg still verifies the check's
/// MESSAGE-INTEGRITY with its password before it answers or trusts the address. Lookups are lock-free and allocate
/// nothing (the ufrag is decoded onto the stack and looked up as a span). Thread-safe.
/// </summary>
public sealed class IceUfragDirectory<TLeg>
    where TLeg : class
{
    // RFC 8445 §5.3: a ufrag is at most 256 characters; anything longer names no leg of ours.
    private const int MaxUfragLength = 256;

    private readonly ConcurrentDictionary<string, TLeg> _legs = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, TLeg>.AlternateLookup<ReadOnlySpan<char>> _lookup;

    public IceUfragDirectory() => _lookup = _legs.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>Ufrags known now (a restarting leg has two for a moment).</summary>
    public int Count => _legs.Count;

    /// <summary>Checks naming <paramref name="ufrag"/> go to <paramref name="leg"/> (the latest registration wins).</summary>
    internal void Register(string ufrag, TLeg leg) => _legs[ufrag] = leg;

    /// <summary>Removes the entry only if it is still <paramref name="leg"/>'s.</summary>
    internal void Unregister(string ufrag, TLeg leg) =>
        _legs.TryRemove(new KeyValuePair<string, TLeg>(ufrag, leg));

    /// <summary>The leg a check's USERNAME attribute is for: the part before the colon is our ufrag.</summary>
    internal bool TryFind(ReadOnlySpan<byte> username, out TLeg leg)
    {
        var colon = username.IndexOf((byte)':');
        Span<char> ufrag = stackalloc char[MaxUfragLength];
        if (colon <= 0 || colon > MaxUfragLength || !Encoding.UTF8.TryGetChars(username[..colon], ufrag, out var written))
        {
            leg = null!;
            return false;
        }

        return _lookup.TryGetValue(ufrag[..written], out leg!);
    }
}
