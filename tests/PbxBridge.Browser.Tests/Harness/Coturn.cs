using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace PbxBridge.Browser.Tests.Harness;

/// <summary>
/// A real coturn (Debian's <c>turnserver</c>) for one test, configured as README.md tells operators to (TURN REST API
/// shared secret, TLS with a certificate, fingerprints) on <see cref="Address"/>, with a self-signed certificate made
/// for it. Disposing stops it and removes its folder.
/// </summary>
public sealed class Coturn : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _folder;
    private readonly StringBuilder _output = new();

    private Coturn(Process process, string folder, string address, int port, int tlsPort)
    {
        _process = process;
        _folder = folder;
        Address = address;
        Port = port;
        TlsPort = tlsPort;
    }

    public string Address { get; }

    /// <summary>TURN over UDP and TCP.</summary>
    public int Port { get; }

    /// <summary>TURN over TLS (443 in production).</summary>
    public int TlsPort { get; }

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

    public static async Task<Coturn> StartAsync(string address, string sharedSecret)
    {
        var folder = Directory.CreateTempSubdirectory("coturn-test-").FullName;
        await RunAsync("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=turn.pbxbridge.test",
            "-keyout", Path.Combine(folder, "key.pem"), "-out", Path.Combine(folder, "cert.pem"));
        var port = FreeTcpPort.Next();
        var tlsPort = FreeTcpPort.Next();
        var config = string.Join('\n',
        [
            $"listening-ip={address}",
            $"relay-ip={address}",
            $"listening-port={port.ToString(CultureInfo.InvariantCulture)}",
            $"tls-listening-port={tlsPort.ToString(CultureInfo.InvariantCulture)}",
            "min-port=49160",
            "max-port=49400",
            "use-auth-secret",
            $"static-auth-secret={sharedSecret}",
            "realm=pbxbridge.test",
            "fingerprint",
            $"cert={Path.Combine(folder, "cert.pem")}",
            $"pkey={Path.Combine(folder, "key.pem")}",
            "no-cli",
            "no-dtls",
            "no-multicast-peers",
            $"userdb={Path.Combine(folder, "turndb")}",
            $"pidfile={Path.Combine(folder, "turnserver.pid")}",
            "log-file=stdout",
            "simple-log",
            "verbose",
        ]) + "\n";
        var configFile = Path.Combine(folder, "turnserver.conf");
        await File.WriteAllTextAsync(configFile, config);
        var startInfo = new ProcessStartInfo("turnserver")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        startInfo.ArgumentList.Add("-c");
        startInfo.ArgumentList.Add(configFile);
        var coturn = new Coturn(new Process { StartInfo = startInfo }, folder, address, port, tlsPort);
        coturn._process.OutputDataReceived += (_, e) => coturn.Append(e.Data);
        coturn._process.ErrorDataReceived += (_, e) => coturn.Append(e.Data);
        coturn._process.Start();
        coturn._process.BeginOutputReadLine();
        coturn._process.BeginErrorReadLine();
        for (var i = 0; i < 100; i++)
        {
            if (coturn._process.HasExited)
            {
                break;
            }

            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(address, tlsPort);
                return coturn;
            }
            catch (SocketException)
            {
                await Task.Delay(100);
            }
        }

        var output = coturn.Output;
        await coturn.DisposeAsync();
        throw new InvalidOperationException($"turnserver did not start listening on {address}:{tlsPort}:\n{output}");
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill();
                await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
            }
        }
        catch (InvalidOperationException)
        {
            // Never started.
        }

        _process.Dispose();
        Directory.Delete(_folder, recursive: true);
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

    private static async Task RunAsync(string file, params string[] arguments)
    {
        var startInfo = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        using var process = Process.Start(startInfo)!;
        var error = process.StandardError.ReadToEndAsync();
        await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} failed: {await error}");
        }
    }
}
