using System.Diagnostics;
using System.Net;

namespace PbxBridge.LoadGen.Rtpengine;

/// <summary>
/// rtpengine (Debian rtpengine-daemon) in userspace only (<c>--table=-1</c>: no kernel forwarding, so every packet
/// is handled by the daemon and its CPU shows in /proc), loopback interface, ng control on 127.0.0.1:22222.
/// </summary>
internal sealed class RtpengineProcess : IAsyncDisposable
{
    private readonly Process _process;

    private RtpengineProcess(Process process)
    {
        _process = process;
    }

    public int Pid => _process.Id;

    public static IPEndPoint Control { get; } = new(IPAddress.Loopback, 22222);

    public static async Task<RtpengineProcess> StartAsync(string binary, string stateDirectory)
    {
        var log = Path.Combine(stateDirectory, "rtpengine.log");
        var info = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add(
            $"exec '{binary}' --config-file=none --interface=127.0.0.1 --listen-ng=127.0.0.1:22222 --foreground " +
            $"--log-stderr --table=-1 --port-min=30000 --port-max=31999 --log-level=4 --delete-delay=0 > '{log}' 2>&1");
        var process = Process.Start(info) ?? throw new InvalidOperationException("could not start rtpengine");
        var engine = new RtpengineProcess(process);
        using var ng = new NgClient(Control);
        for (var attempt = 0; attempt < 20; attempt++)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"rtpengine exited with {process.ExitCode}: see {log}");
            }

            try
            {
                await ng.CallAsync(new Dictionary<string, object> { ["command"] = "ping" }, CancellationToken.None);
                return engine;
            }
            catch (InvalidOperationException)
            {
                await Task.Delay(250);
            }
        }

        await engine.DisposeAsync();
        throw new InvalidOperationException($"rtpengine did not answer ng ping: see {log}");
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }
}
