using System.Globalization;
using System.Security.Cryptography;

namespace PbxBridge.Sip.Auth;

/// <summary>How a nonce presented in credentials relates to what we issued.</summary>
public enum NonceCheck
{
    /// <summary>Issued by us, not expired, nc higher than any seen before.</summary>
    Valid,

    /// <summary>Expired or unknown (e.g. issued before a restart): answer with stale=true if the digest is right.</summary>
    Stale,

    /// <summary>nc not above the last one seen for this nonce: a replay.</summary>
    Replayed,
}

/// <summary>Issues nonces with an expiry and tracks the nonce-count per nonce (RFC 7616 §3.3, §5.5), so a captured
/// Authorization cannot be replayed. Bounded: expired entries are swept, and the oldest dropped past a cap.</summary>
public sealed class DigestNonceStore
{
    private const int MaxEntries = 20_000;
    private readonly Dictionary<string, Entry> _issued = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private readonly TimeProvider _time;
    private readonly TimeSpan _lifetime;

    public DigestNonceStore(TimeProvider time, TimeSpan lifetime)
    {
        _time = time;
        _lifetime = lifetime;
    }

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _issued.Count;
            }
        }
    }

    public string Issue()
    {
        var now = _time.GetUtcNow();
        var nonce = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)) + now.ToUnixTimeSeconds().ToString("x", CultureInfo.InvariantCulture);
        lock (_gate)
        {
            if (_issued.Count >= MaxEntries)
            {
                Sweep(now);
            }

            if (_issued.Count >= MaxEntries)
            {
                var oldest = _issued.MinBy(e => e.Value.IssuedAt).Key;
                _issued.Remove(oldest);
            }

            _issued[nonce] = new Entry(now, 0, Spent: false);
        }

        return nonce;
    }

    /// <summary>Checks and, when valid, records the nonce-count. Without qop there is no nc to tell a replay from a
    /// retry, so such a nonce is good for one request only (the client is then challenged afresh).</summary>
    public NonceCheck Check(string nonce, string? nonceCount)
    {
        var now = _time.GetUtcNow();
        lock (_gate)
        {
            if (!_issued.TryGetValue(nonce, out var entry) || now - entry.IssuedAt > _lifetime)
            {
                _issued.Remove(nonce);
                return NonceCheck.Stale;
            }

            if (entry.Spent)
            {
                return NonceCheck.Replayed;
            }

            if (nonceCount is null)
            {
                _issued[nonce] = entry with { Spent = true };
                return NonceCheck.Valid;
            }

            if (!uint.TryParse(nonceCount, NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var nc) || nc <= entry.LastNonceCount)
            {
                return NonceCheck.Replayed;
            }

            _issued[nonce] = entry with { LastNonceCount = nc };
            return NonceCheck.Valid;
        }
    }

    public void Sweep()
    {
        lock (_gate)
        {
            Sweep(_time.GetUtcNow());
        }
    }

    private void Sweep(DateTimeOffset now)
    {
        foreach (var (nonce, entry) in _issued.ToArray())
        {
            if (now - entry.IssuedAt > _lifetime)
            {
                _issued.Remove(nonce);
            }
        }
    }

    /// <param name="Spent">Used once without qop: no further request may present it.</param>
    private readonly record struct Entry(DateTimeOffset IssuedAt, uint LastNonceCount, bool Spent);
}
