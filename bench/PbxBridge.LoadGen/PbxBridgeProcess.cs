using System.Diagnostics;
using System.Globalization;
using PbxBridge.Browser.Simulator.Sip;
using PbxBridge.Testing;

namespace PbxBridge.LoadGen;

/// <summary>
/// The PbxBridge under test, started by the load generator so its pid (for /proc) and its agents are known: the
/// built-in demo PBX unless <c>pbxArguments</c> name another (<see cref="Pbx.SimulatedAsterisk"/>), one configured
/// agent per concurrent call (the Calls room allows 4 calls per agent), loopback only. Started, awaited and stopped as
/// the tests start it (<see cref="PbxBridgeChildProcess"/>); its console output goes to a log file so the terminal
/// cost is not part of the measurement.
/// </summary>
internal sealed class PbxBridgeProcess : IBridgeUnderLoad, IAsyncDisposable, IDisposable
{
    public const string Password = "loadgen-pw";
    public const string Realm = "pbxbridge";

    private readonly PbxBridgeChildProcess _child;

    private PbxBridgeProcess(PbxBridgeChildProcess child, int port, string logPath)
    {
        _child = child;
        Port = port;
        LogPath = logPath;
    }

    public int Pid => _child.Id;

    public IReadOnlyList<int> NodePids => [Pid];

    public int? FrontPid => null;

    public int Port { get; }

    public string LogPath { get; }

    public Uri BaseUri => _child.BaseUri;

    public Uri SipUri(int leg) => new(string.Create(CultureInfo.InvariantCulture, $"wss://127.0.0.1:{Port}/sip"));

    public static string AgentId(int index) => (20000 + index).ToString(CultureInfo.InvariantCulture);

    public static async Task<PbxBridgeProcess> StartAsync(
        string dll, int port, (int Min, int Max) mediaPorts, int agents, int opusComplexity, string stateDirectory, IReadOnlyList<string> environment,
        IReadOnlyList<string>? pbxArguments = null)
    {
        // Browser legs from the lower half of the range, PBX legs from the upper half.
        var split = mediaPorts.Min + ((mediaPorts.Max - mediaPorts.Min + 1) / 2);
        Directory.CreateDirectory(stateDirectory);
        var logPath = Path.Combine(stateDirectory, "pbxbridge.log");
        List<string> arguments =
        [
            $"--Http:Port={port}", $"--State:Directory={stateDirectory}", $"--Demo:AgentPassword={Password}",
            Invariant($"--Media:BrowserPortStart={mediaPorts.Min}"), Invariant($"--Media:BrowserPortEnd={split - 1}"),
            Invariant($"--Media:PbxPortStart={split}"), Invariant($"--Media:PbxPortEnd={mediaPorts.Max}"),
            $"--Media:OpusComplexity={opusComplexity}", "--Serilog:MinimumLevel:Default=Warning",

            // Every leg connects from 127.0.0.1: the per-address connection limit is for the internet, not for this.
            "--Limits:MaxConnectionsPerAddress=0",
            .. pbxArguments ?? [],
        ];
        for (var i = 0; i < agents; i++)
        {
            var id = AgentId(i);
            var secret = $"{id}:{Realm}:{Password}";
            arguments.Add(string.Create(CultureInfo.InvariantCulture, $"--Agents:{i}:Id={id}"));
            arguments.Add(string.Create(CultureInfo.InvariantCulture, $"--Agents:{i}:Ha1Md5={DigestAuthorization.Md5Hex(secret)}"));
            arguments.Add(string.Create(CultureInfo.InvariantCulture, $"--Agents:{i}:Ha1Sha256={DigestAuthorization.Sha256Hex(secret)}"));
        }

        // The demo PBX answers at once: its default 150 ms of pretend ringing is not PbxBridge's setup time (a real
        // PBX's echo answers in a few ms). --pbxbridge-env PBXBRIDGE_Demo__AnswerDelayMs=150 puts the ring back.
        // MALLOC_ARENA_MAX=2 as the shipped systemd unit sets it (ansible/roles/pbxbridge/templates/pbxbridge.service.j2):
        // RSS per call is measured as deployed; --pbxbridge-env MALLOC_ARENA_MAX=16 measures glibc's default.
        var variables = new Dictionary<string, string> { ["PBXBRIDGE_Demo__AnswerDelayMs"] = "0", ["MALLOC_ARENA_MAX"] = "2" };
        foreach (var variable in environment)
        {
            var equals = variable.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw new ArgumentException($"--pbxbridge-env wants NAME=VALUE, got '{variable}'");
            }

            variables[variable[..equals]] = variable[(equals + 1)..];
        }

        var child = await PbxBridgeChildProcess.StartAsync(new PbxBridgeStartInfo
        {
            Dll = dll,
            Port = port,
            Arguments = arguments,
            Environment = variables,
            LogFile = logPath,
            StartTimeout = TimeSpan.FromSeconds(60),
        });
        return new PbxBridgeProcess(child, port, logPath);
    }

    /// <summary>CPU the process spends with no call at all (timers, pacer threads, GC): the fixed cost.</summary>
    public async Task<double> IdleCpuMsPerSecondAsync(TimeSpan period)
    {
        var before = Measurement.ProcessSample.Take(Pid);
        await Task.Delay(period);
        var after = Measurement.ProcessSample.Take(Pid);
        return (after.CpuMs - before.CpuMs) / Stopwatch.GetElapsedTime(before.TakenTicks, after.TakenTicks).TotalSeconds;
    }

    public ValueTask DisposeAsync() => _child.DisposeAsync();

    public void Dispose() => _child.Dispose();

    private static string Invariant(FormattableString text) => FormattableString.Invariant(text);
}
