using System.Diagnostics;
using System.Globalization;
using System.Net;

namespace PbxBridge.LoadGen.Rtpengine;

/// <summary>
/// rtpengine (Debian rtpengine-daemon) in userspace only (<c>--table=-1</c>: no kernel forwarding, so every packet
/// is handled by the daemon and its CPU shows in /proc), loopback interface, ng control on 127.0.0.1 (22222 by
/// default), media ports from a range that can be moved off another run's.
/// </summary>
internal sealed class RtpengineProcess : IAsyncDisposable
{
    private readonly Process _process;

    private RtpengineProcess(Process process, IPEndPoint control, string logPath)
    {
        _process = process;
        Control = control;
        LogPath = logPath;
    }

    public int Pid => _process.Id;

    public IPEndPoint Control { get; }

    public string LogPath { get; }

    /// <param name="logLevel">4 (warnings) for measuring; 7 shows ICE, DTLS and codec set-up per call.</param>
    public static async Task<RtpengineProcess> StartAsync(
        string binary, string stateDirectory, int controlPort, (int Min, int Max) ports, int logLevel)
    {
        var log = Path.Combine(stateDirectory, "rtpengine.log");
        var info = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add(string.Create(CultureInfo.InvariantCulture,
            $"exec '{binary}' --config-file=none --interface=127.0.0.1 --listen-ng=127.0.0.1:{controlPort} --foreground " +
            $"--log-stderr --table=-1 --port-min={ports.Min} --port-max={ports.Max} --log-level={logLevel} --delete-delay=0 > '{log}' 2>&1"));
        var process = Process.Start(info) ?? throw new InvalidOperationException("could not start rtpengine");
        var engine = new RtpengineProcess(process, new IPEndPoint(IPAddress.Loopback, controlPort), log);
        using var ng = new NgClient(engine.Control);
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
