using System.Net;

namespace PbxBridge.Http;

/// <summary>Counts open SIP WebSocket connections per source address, so one address cannot hold every socket and
/// buffer the process has; beyond <c>Limits:MaxConnectionsPerAddress</c> the upgrade is refused. Only the upgrade
/// path takes its lock, never a message.</summary>
public sealed class ConnectionsPerAddressLimiter
{
    private readonly Dictionary<IPAddress, int> _open = [];
    private readonly Lock _gate = new();
    private long _refused;
    private readonly RefusalLogTurn _logTurn;

    /// <param name="maxPerAddress">0 means no limit.</param>
    public ConnectionsPerAddressLimiter(int maxPerAddress, TimeProvider time)
    {
        MaxPerAddress = maxPerAddress;
        _logTurn = new RefusalLogTurn(time, LogWindow);
    }

    /// <summary>Refusals are logged once per this window, with how many there were.</summary>
    public static TimeSpan LogWindow { get; } = TimeSpan.FromMinutes(1);

    public int MaxPerAddress { get; }

    public long Refused => Interlocked.Read(ref _refused);

    /// <summary>Addresses with a connection open (for leak checks: it returns to 0 when all are closed).</summary>
    public int Addresses
    {
        get
        {
            lock (_gate)
            {
                return _open.Count;
            }
        }
    }

    /// <summary>Takes a slot for <paramref name="address"/>; null when it already has the most it may. Dispose the
    /// lease when the connection ends.</summary>
    public IDisposable? TryAcquire(IPAddress address)
    {
        // ::ffff:192.0.2.1 and 192.0.2.1 are one client, whichever socket family accepted it.
        var key = address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
        lock (_gate)
        {
            var count = _open.GetValueOrDefault(key);
            if (MaxPerAddress > 0 && count >= MaxPerAddress)
            {
                Interlocked.Increment(ref _refused);
                return null;
            }

            _open[key] = count + 1;
        }

        return new Lease(this, key);
    }

    /// <summary>True at most once per <see cref="LogWindow"/>, with the refusals since the last line: one log line
    /// a minute however many upgrades a flood makes.</summary>
    public bool TryTakeLogTurn(out long refusedSinceLastLine) => _logTurn.TryTake(Refused, out refusedSinceLastLine);

    private void Release(IPAddress key)
    {
        lock (_gate)
        {
            var count = _open.GetValueOrDefault(key) - 1;
            if (count <= 0)
            {
                _open.Remove(key);
            }
            else
            {
                _open[key] = count;
            }
        }
    }

    private sealed class Lease(ConnectionsPerAddressLimiter owner, IPAddress key) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                owner.Release(key);
            }
        }
    }
}
