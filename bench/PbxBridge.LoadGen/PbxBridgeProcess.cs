using System.Diagnostics;
using System.Globalization;
using PbxBridge.LoadGen.Sip;

namespace PbxBridge.LoadGen;

/// <summary>
/// The PbxBridge under test, started by the load generator so its pid (for /proc) and its agents are known: the
/// built-in demo PBX unless <c>pbxArguments</c> name another (<see cref="Pbx.SimulatedAsterisk"/>), one configured
/// agent per concurrent call (the Calls room allows 4 calls per agent), loopback only. Its console output goes to a
/// log file so the terminal cost is not part of the measurement.
/// </summary>
internal sealed class PbxBridgeProcess : IDisposable
{
    public const string Password = "loadgen-pw";
    public const string Realm = "pbxbridge";

    private readonly Process _process;

    private PbxBridgeProcess(Process process, int port, string logPath)
    {
        _process = process;
        Port = port;
        LogPath = logPath;
    }

    public int Pid => _process.Id;

    public int Port { get; }

    public string LogPath { get; }

    public Uri BaseUri => new($"https://127.0.0.1:{Port}");

    public static string AgentId(int index) => (20000 + index).ToString(CultureInfo.InvariantCulture);

    public static async Task<PbxBridgeProcess> StartAsync(
        string dll, int port, (int Min, int Max) mediaPorts, int agents, int opusComplexity, string stateDirectory, IReadOnlyList<string> environment,
        IReadOnlyList<string>? pbxArguments = null)
    {
        // Browser legs from the lower half of the range, PBX legs from the upper half.
        var split = mediaPorts.Min + ((mediaPorts.Max - mediaPorts.Min + 1) / 2);
        Directory.CreateDirectory(stateDirectory);
        var logPath = Path.Combine(stateDirectory, "pbxbridge.log");
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = false,
            RedirectStandardError = false,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
        {
            dll, "run", $"--Http:Port={port}", $"--State:Directory={stateDirectory}", $"--Demo:AgentPassword={Password}",
            Invariant($"--Media:BrowserPortStart={mediaPorts.Min}"), Invariant($"--Media:BrowserPortEnd={split - 1}"),
            Invariant($"--Media:PbxPortStart={split}"), Invariant($"--Media:PbxPortEnd={mediaPorts.Max}"),
            $"--Media:OpusComplexity={opusComplexity}", "--Serilog:MinimumLevel:Default=Warning",

            // Every leg connects from 127.0.0.1: the per-address connection limit is for the internet, not for this.
            "--Limits:MaxConnectionsPerAddress=0",
        })
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var argument in pbxArguments ?? [])
        {
            info.ArgumentList.Add(argument);
        }

        for (var i = 0; i < agents; i++)
        {
            var id = AgentId(i);
            var secret = $"{id}:{Realm}:{Password}";
            info.ArgumentList.Add(string.Create(CultureInfo.InvariantCulture, $"--Agents:{i}:Id={id}"));
            info.ArgumentList.Add(string.Create(CultureInfo.InvariantCulture, $"--Agents:{i}:Ha1Md5={DigestAuthorization.Md5Hex(secret)}"));
            info.ArgumentList.Add(string.Create(CultureInfo.InvariantCulture, $"--Agents:{i}:Ha1Sha256={DigestAuthorization.Sha256Hex(secret)}"));
        }

        // The child's console goes to a file through the shell's redirection; exec keeps the pid dotnet's own.
        var shell = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };
        shell.ArgumentList.Add("-c");
        shell.ArgumentList.Add($"exec \"$0\" \"$@\" > '{logPath}' 2>&1");
        shell.ArgumentList.Add(info.FileName);
        foreach (var argument in info.ArgumentList)
        {
            shell.ArgumentList.Add(argument);
        }

        // The demo PBX answers at once: its default 150 ms of pretend ringing is not PbxBridge's setup time (a real
        // PBX's echo answers in a few ms). --pbxbridge-env PBXBRIDGE_Demo__AnswerDelayMs=150 puts the ring back.
        shell.Environment["PBXBRIDGE_Demo__AnswerDelayMs"] = "0";
        foreach (var variable in environment)
        {
            var equals = variable.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw new ArgumentException($"--pbxbridge-env wants NAME=VALUE, got '{variable}'");
            }

            shell.Environment[variable[..equals]] = variable[(equals + 1)..];
        }

        var process = Process.Start(shell) ?? throw new InvalidOperationException("could not start dotnet");
        var bridge = new PbxBridgeProcess(process, port, logPath);
        using var http = new HttpClient(new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, _, _, _) => true });
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(60))
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"PbxBridge exited with {process.ExitCode}: see {logPath}");
            }

            try
            {
                using var response = await http.GetAsync(new Uri(bridge.BaseUri, "/healthz"));
                if (response.IsSuccessStatusCode)
                {
                    return bridge;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(250);
        }

        bridge.Dispose();
        throw new InvalidOperationException($"PbxBridge did not answer /healthz within 60 s: see {logPath}");
    }

    /// <summary>CPU the process spends with no call at all (timers, pacer threads, GC): the fixed cost.</summary>
    public async Task<double> IdleCpuMsPerSecondAsync(TimeSpan period)
    {
        var before = Measurement.ProcessSample.Take(Pid);
        await Task.Delay(period);
        var after = Measurement.ProcessSample.Take(Pid);
        return (after.CpuMs - before.CpuMs) / Stopwatch.GetElapsedTime(before.TakenTicks, after.TakenTicks).TotalSeconds;
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            _process.WaitForExit(10_000);
        }

        _process.Dispose();
    }

    private static string Invariant(FormattableString text) => FormattableString.Invariant(text);
}
