using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace PbxBridge.LoadGen.Cluster;

/// <summary>
/// The cluster's front as a site runs it: Debian's haproxy with the shipped deploy/haproxy/haproxy.cfg, its bind line
/// moved to this run's port with a certificate of its own and one <c>server</c> line per node in each backend (as
/// AsteriskClusterFixture renders it for the real-Asterisk cluster test). Only signalling passes it; its CPU is
/// reported beside the nodes', so a run shows the front carries no media.
/// </summary>
internal sealed class HaproxyFront : IAsyncDisposable
{
    public const string DefaultBinary = "/usr/sbin/haproxy";

    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private HaproxyFront(Process process) => _process = process;

    public int Pid => _process.Id;

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

    /// <summary>The shipped configuration with this layout's front port, certificate and nodes.</summary>
    public static string Render(IEnumerable<string> shipped, ClusterLayout layout, string pemPath)
    {
        var config = new StringBuilder();
        var inServers = false;
        foreach (var line in shipped)
        {
            var trimmed = line.Trim();
            var isServer = trimmed.StartsWith("server ", StringComparison.Ordinal);
            if (isServer && !inServers)
            {
                foreach (var node in layout.Nodes)
                {
                    config.AppendLine(CultureInfo.InvariantCulture, $"    server {node.NodeId} 127.0.0.1:{node.Port}");
                }
            }

            inServers = isServer;
            if (isServer || trimmed.StartsWith("log /dev/log", StringComparison.Ordinal))
            {
                continue; // servers written above; no syslog needed for a measurement
            }

            config.AppendLine(trimmed.StartsWith("bind ", StringComparison.Ordinal)
                ? string.Create(CultureInfo.InvariantCulture, $"    bind 127.0.0.1:{layout.FrontPort} ssl crt {pemPath} alpn http/1.1")
                : line);
        }

        return config.ToString();
    }

    public static async Task<HaproxyFront> StartAsync(string binary, string shippedConfig, ClusterLayout layout, string directory, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(directory);
        var pem = Path.Combine(directory, "front.pem");
        using (var key = ECDsa.Create(ECCurve.NamedCurves.nistP256))
        {
            var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256);
            using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
            await File.WriteAllTextAsync(pem, certificate.ExportCertificatePem() + "\n" + key.ExportPkcs8PrivateKeyPem() + "\n", cancellationToken);
        }

        var path = Path.Combine(directory, "haproxy.cfg");
        await File.WriteAllTextAsync(path, Render(await File.ReadAllLinesAsync(shippedConfig, cancellationToken), layout, pem), cancellationToken);
        var start = new ProcessStartInfo(binary) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { "-db", "-f", path })
        {
            start.ArgumentList.Add(arg);
        }

        var front = new HaproxyFront(new Process { StartInfo = start });
        front._process.OutputDataReceived += (_, e) => front.Append(e.Data);
        front._process.ErrorDataReceived += (_, e) => front.Append(e.Data);
        front._process.Start();
        front._process.BeginOutputReadLine();
        front._process.BeginErrorReadLine();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (!front._process.HasExited && DateTime.UtcNow < deadline)
        {
            using var probe = new TcpClient();
            try
            {
                await probe.ConnectAsync("127.0.0.1", layout.FrontPort, cancellationToken);
                return front;
            }
            catch (SocketException)
            {
                await Task.Delay(100, cancellationToken);
            }
        }

        var output = front.Output;
        await front.DisposeAsync();
        throw new InvalidOperationException($"haproxy did not listen on 127.0.0.1:{layout.FrontPort} ({path}):\n{output}");
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
