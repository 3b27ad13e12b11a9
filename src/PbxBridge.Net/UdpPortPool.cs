using System.Net;
using System.Net.Sockets;

namespace PbxBridge.Net;

/// <summary>
/// Hands out UDP sockets bound to ports of a configured range and takes them back. Ports taken by other
/// processes are skipped; returned sockets are closed and their port becomes free again after the others
/// (round robin), so a late datagram of an ended call is unlikely to reach the next one. Used for the
/// browser-facing range here and, by the Calls room, for the PBX-facing range. Thread-safe.
/// </summary>
public sealed class UdpPortPool
{
    private readonly Lock _gate = new();
    private readonly IPAddress _bindAddress;
    private readonly Queue<int> _free = new();
    private readonly Dictionary<Socket, int> _rented = [];

    public UdpPortPool(IPAddress bindAddress, int firstPort, int lastPort)
    {
        ArgumentNullException.ThrowIfNull(bindAddress);
        if (firstPort < 1 || lastPort > 65535 || firstPort > lastPort)
        {
            throw new ArgumentOutOfRangeException(nameof(firstPort), $"Invalid UDP port range {firstPort}-{lastPort}.");
        }

        _bindAddress = bindAddress;
        for (var port = firstPort; port <= lastPort; port++)
        {
            _free.Enqueue(port);
        }
    }

    public IPAddress BindAddress => _bindAddress;

    public int InUse
    {
        get
        {
            lock (_gate)
            {
                return _rented.Count;
            }
        }
    }

    /// <summary>Binds a socket to the next free port; false when every port is rented or taken by others.</summary>
    public bool TryRent(out Socket socket)
    {
        lock (_gate)
        {
            var attempts = _free.Count;
            while (attempts-- > 0)
            {
                var port = _free.Dequeue();
                var candidate = new Socket(_bindAddress.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
                try
                {
                    candidate.Bind(new IPEndPoint(_bindAddress, port));
                    _rented[candidate] = port;
                    socket = candidate;
                    return true;
                }
                catch (SocketException)
                {
                    // Someone outside the pool holds it; try it again after the rest of the range.
                    candidate.Dispose();
                    _free.Enqueue(port);
                }
            }
        }

        socket = null!;
        return false;
    }

    /// <summary>Closes the socket and frees its port. Returning a socket the pool did not rent is ignored.</summary>
    public void Return(Socket socket)
    {
        ArgumentNullException.ThrowIfNull(socket);
        lock (_gate)
        {
            if (_rented.Remove(socket, out var port))
            {
                socket.Dispose();
                _free.Enqueue(port);
            }
        }
    }
}
