using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace PbxBridge.Tests.Support;

/// <summary>
/// A real redis-server (Debian's, which ./test.sh installs) on a free loopback port, with no persistence; it can be
/// stopped (SIGKILL, as a crashed or unreachable Redis looks to its clients) and started again on the same port.
/// </summary>
internal sealed class RealRedis : IAsyncDisposable
{
    private const string Server = "/usr/bin/redis-server";
    private readonly StringBuilder _output = new();
    private Process? _process;

    private RealRedis(int port) => Port = port;

    public int Port { get; }

    /// <summary>Cluster:Redis for it.</summary>
    public string Configuration => $"127.0.0.1:{Port}";

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public static async Task<RealRedis> StartAsync()
    {
        if (!File.Exists(Server))
        {
            throw new InvalidOperationException($"{Server} is missing: ./test.sh installs it (apt-get install redis-server)");
        }

        var redis = new RealRedis(FreePort());
        await redis.StartAgainAsync();
        return redis;
    }

    /// <summary>Starts it (again) on its port; returns once it accepts connections.</summary>
    public async Task StartAgainAsync()
    {
        var start = new ProcessStartInfo(Server) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--daemonize", "no" })
        {
            start.ArgumentList.Add(a);
        }

        _process = Process.Start(start)!;
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        for (var i = 0; i < 100; i++)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, Port);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(50);
            }
        }

        throw new InvalidOperationException($"redis-server did not listen on {Port}:\n{Output}");
    }

    /// <summary>Kills it (SIGKILL): its clients' connections reset, nothing is saved.</summary>
    public async Task StopAsync()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill();
            await process.WaitForExitAsync();
        }

        _process?.Dispose();
        _process = null;
    }

    public async ValueTask DisposeAsync() => await StopAsync();

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_output)
            {
                _output.AppendLine(line);
            }
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
