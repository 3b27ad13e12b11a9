using System.Globalization;

namespace PbxBridge.LoadGen;

/// <summary>Command line of the load generator: <c>--name value</c> pairs, every one optional.</summary>
internal sealed class LoadGenOptions
{
    public string PbxBridgeDll { get; private set; } = "src/PbxBridge/bin/Release/net10.0/pbxbridge.dll";

    public IReadOnlyList<int> Calls { get; private set; } = [10, 50, 100];

    public TimeSpan Hold { get; private set; } = TimeSpan.FromSeconds(25);

    public int Port { get; private set; } = 18443;

    public int OpusComplexity { get; private set; } = 5;

    public string? Wav { get; private set; }

    public int RampConcurrency { get; private set; } = 4;

    public string Extension { get; private set; } = "600";

    public string StateDirectory { get; private set; } = Path.Combine(Path.GetTempPath(), "pbxbridge-loadgen");

    /// <summary>Extra environment for the PbxBridge process only (NAME=VALUE), e.g. runtime knobs under study.</summary>
    public IReadOnlyList<string> PbxBridgeEnvironment { get; private set; } = [];

    /// <summary>Which targets to load: pbxbridge, rtpengine, or both (the default).</summary>
    public IReadOnlyList<string> Targets { get; private set; } = ["pbxbridge", "rtpengine"];

    /// <summary>rtpengine binary; empty skips the rtpengine comparison.</summary>
    public string Rtpengine { get; private set; } = "/usr/bin/rtpengine";

    public static LoadGenOptions Parse(string[] args)
    {
        var options = new LoadGenOptions();
        for (var i = 0; i < args.Length; i++)
        {
            var name = args[i];
            var value = i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{name} needs a value");
            switch (name)
            {
                case "--pbxbridge-dll": options.PbxBridgeDll = value; break;
                case "--calls": options.Calls = [.. value.Split(',').Select(n => int.Parse(n, CultureInfo.InvariantCulture))]; break;
                case "--hold": options.Hold = TimeSpan.FromSeconds(double.Parse(value, CultureInfo.InvariantCulture)); break;
                case "--port": options.Port = int.Parse(value, CultureInfo.InvariantCulture); break;
                case "--complexity": options.OpusComplexity = int.Parse(value, CultureInfo.InvariantCulture); break;
                case "--wav": options.Wav = value; break;
                case "--ramp-concurrency": options.RampConcurrency = int.Parse(value, CultureInfo.InvariantCulture); break;
                case "--extension": options.Extension = value; break;
                case "--state-dir": options.StateDirectory = value; break;
                case "--rtpengine": options.Rtpengine = value; break;
                case "--pbxbridge-env": options.PbxBridgeEnvironment = [.. options.PbxBridgeEnvironment, value]; break;
                case "--targets": options.Targets = value.Split(','); break;
                default: throw new ArgumentException($"unknown option {name}");
            }
        }

        return options;
    }
}
