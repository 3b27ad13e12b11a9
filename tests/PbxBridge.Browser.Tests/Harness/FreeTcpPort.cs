using System.Net;
using System.Net.Sockets;

namespace PbxBridge.Browser.Tests.Harness;

/// <summary>Asks the kernel for a loopback TCP port nobody uses right now (bind to port 0, read it back, release).</summary>
public static class FreeTcpPort
{
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
