using System.Net;
using System.Net.Sockets;

namespace PbxBridge.Net.Tests;

public sealed class UdpPortPoolTests
{
    [Fact]
    public void Rents_bound_sockets_until_the_range_is_exhausted_and_frees_returned_ports()
    {
        var pool = new UdpPortPool(IPAddress.Loopback, 45910, 45911);

        Assert.True(pool.TryRent(out var first));
        Assert.True(pool.TryRent(out var second));
        Assert.False(pool.TryRent(out _));
        Assert.Equal(2, pool.InUse);
        Assert.InRange(((IPEndPoint)first.LocalEndPoint!).Port, 45910, 45911);

        pool.Return(first);
        Assert.Equal(1, pool.InUse);
        Assert.True(pool.TryRent(out var third));
        pool.Return(second);
        pool.Return(third);
        Assert.Equal(0, pool.InUse);
    }

    [Fact]
    public void Port_held_by_someone_else_is_skipped()
    {
        using var squatter = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        squatter.Bind(new IPEndPoint(IPAddress.Loopback, 45920));
        var pool = new UdpPortPool(IPAddress.Loopback, 45920, 45921);

        Assert.True(pool.TryRent(out var socket));

        Assert.Equal(45921, ((IPEndPoint)socket.LocalEndPoint!).Port);
        pool.Return(socket);
    }
}
