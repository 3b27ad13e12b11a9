using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace PbxBridge.Testing;

/// <summary>
/// The shipped front (deploy/haproxy/haproxy.cfg, Debian's haproxy) in front of PbxBridge nodes on this machine: the
/// file as shipped, with its bind line on a free loopback port and a certificate of its own, one server line per node
/// in each backend, connecting to them from <see cref="SourceAddress"/>, no syslog, and a stats socket to read what
/// its health checks decided.
/// </summary>
public sealed class HaproxyFront : IAsyncDisposable
{
    public const string Binary = "/usr/sbin/haproxy";

    /// <summary>
    /// The address the front connects to the nodes from (HAProxy <c>source</c>): the nodes' Http:ProxyProtocolFronts.
    /// Not 127.0.0.1, which the tests, the CLI and the browsers use to reach a node directly, without a PROXY header.
    /// </summary>
    public const string SourceAddress = "127.0.0.2";

    private readonly StringBuilder _output = new();
    private readonly Process _process;
    private readonly string _statsSocket;

    private HaproxyFront(Process process, int port, string statsSocket)
    {
        _process = process;
        Port = port;
        _statsSocket = statsSocket;
    }

    public int Port { get; }

    /// <summary>haproxy's pid (the load generator reads its CPU from /proc).</summary>
    public int Pid => _process.Id;

    /// <summary>https://127.0.0.1:PORT/ (wss://.../sip through the front).</summary>
    public Uri Uri => new($"https://127.0.0.1:{Port}/");

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

    /// <summary>Starts it in <paramref name="runDirectory"/> in front of <paramref name="nodes"/> (name, HTTPS port on 127.0.0.1).</summary>
    public static async Task<HaproxyFront> StartAsync(string runDirectory, IReadOnlyList<(string Name, int Port)> nodes)
    {
        if (!File.Exists(Binary))
        {
            throw new InvalidOperationException($"{Binary} is missing: ./test.sh installs it (apt-get install haproxy)");
        }

        var port = FreePort();
        var pem = Path.Combine(runDirectory, "front.pem");
        using (var key = ECDsa.Create(ECCurve.NamedCurves.nistP256))
        {
            var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256);
            using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
            await File.WriteAllTextAsync(pem, certificate.ExportCertificatePem() + "\n" + key.ExportPkcs8PrivateKeyPem() + "\n");
        }

        var stats = Path.Combine(runDirectory, "haproxy.stats");
        var path = Path.Combine(runDirectory, "haproxy.cfg");
        await File.WriteAllTextAsync(path, Render(await File.ReadAllLinesAsync(Path.Combine(RepoPaths.Root, "deploy", "haproxy", "haproxy.cfg")), port, pem, stats, nodes));
        var startInfo = new ProcessStartInfo(Binary) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { "-db", "-f", path })
        {
            startInfo.ArgumentList.Add(arg);
        }

        var front = new HaproxyFront(new Process { StartInfo = startInfo }, port, stats);
        front._process.OutputDataReceived += (_, e) => front.Append(e.Data);
        front._process.ErrorDataReceived += (_, e) => front.Append(e.Data);
        front._process.Start();
        front._process.BeginOutputReadLine();
        front._process.BeginErrorReadLine();
        for (var i = 0; i < 150 && !front._process.HasExited; i++)
        {
            using var probe = new TcpClient();
            try
            {
                await probe.ConnectAsync(IPAddress.Loopback, port);
                return front;
            }
            catch (SocketException)
            {
                await Task.Delay(100);
            }
        }

        var output = front.Output;
        await front.DisposeAsync();
        throw new InvalidOperationException($"HAProxy did not start:\n{output}");
    }

    /// <summary>What the health checks say of <paramref name="node"/> in the WebSocket backend: "UP", "DOWN", "UP 1/2"...</summary>
    public async Task<string> StatusOfAsync(string node)
    {
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await socket.ConnectAsync(new UnixDomainSocketEndPoint(_statsSocket));
        await socket.SendAsync("show stat\n"u8.ToArray());
        var text = new StringBuilder();
        var buffer = new byte[8192];
        int read;
        while ((read = await socket.ReceiveAsync(buffer)) > 0)
        {
            text.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }

        // CSV: "# pxname,svname,...,status (18th field),..."
        var header = text.ToString().Split('\n')[0].TrimStart('#', ' ').Split(',');
        var status = Array.IndexOf(header, "status");
        var row = text.ToString().Split('\n').Select(l => l.Split(',')).FirstOrDefault(f => f.Length > status && f[0] == "pbxbridge_sip" && f[1] == node);
        return row?[status] ?? "(no such server)";
    }

    /// <summary>The shipped file with this machine's bind, servers and stats socket (no syslog in a test).</summary>
    public static string Render(IEnumerable<string> shipped, int port, string pem, string statsSocket, IReadOnlyList<(string Name, int Port)> nodes)
    {
        ArgumentNullException.ThrowIfNull(shipped);
        ArgumentNullException.ThrowIfNull(nodes);
        var config = new StringBuilder();
        var inServers = false;
        foreach (var line in shipped)
        {
            var trimmed = line.Trim();
            var isServer = trimmed.StartsWith("server ", StringComparison.Ordinal);
            if (isServer && !inServers)
            {
                foreach (var (name, nodePort) in nodes)
                {
                    config.AppendLine(FormattableString.Invariant($"    server {name} 127.0.0.1:{nodePort}"));
                }
            }

            inServers = isServer;
            if (isServer || trimmed.StartsWith("log /dev/log", StringComparison.Ordinal))
            {
                continue;
            }

            config.AppendLine(trimmed.StartsWith("bind ", StringComparison.Ordinal)
                ? FormattableString.Invariant($"    bind 127.0.0.1:{port} ssl crt {pem} alpn http/1.1")
                : line);
            if (trimmed.StartsWith("default-server ", StringComparison.Ordinal))
            {
                config.AppendLine($"    source {SourceAddress}");
            }

            if (trimmed == "global")
            {
                config.AppendLine($"    stats socket {statsSocket} mode 600 level user");
            }
        }

        return config.ToString();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }
}
