using System.Globalization;

namespace PbxBridge.LoadGen;

/// <summary>Command line of the load generator: <c>--name value</c> pairs, every one optional.</summary>
internal sealed class LoadGenOptions
{
    /// <summary>"load" (the CPU/latency steps and the comparison, the default) or "soak" (resource leaks, issue 11).</summary>
    public string Mode { get; private set; } = "load";

    /// <summary>Soak: calls placed one after another, each held <see cref="SoakSequentialHold"/> after media flows both ways.</summary>
    public int SoakSequential { get; private set; } = 1000;

    /// <summary>Soak: calls up at once after the sequential ones, held <see cref="Hold"/>.</summary>
    public int SoakConcurrent { get; private set; } = 100;

    public TimeSpan SoakSequentialHold { get; private set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Soak: growth allowed over the warm, idle baseline (0.10 = 10 %).</summary>
    public double SoakTolerance { get; private set; } = 0.10;

    /// <summary>Soak: threads allowed over the baseline where 10 % is fewer (see <see cref="Soak.SoakBudget"/>).</summary>
    public int SoakThreadSlack { get; private set; } = Soak.SoakBudget.DefaultThreadSlack;

    /// <summary>Soak: sequential calls before the baseline (then as many concurrent as the judged run), so one-time growth is not judged.</summary>
    public int SoakWarmupCalls { get; private set; } = 10;

    /// <summary>Soak: wait after PbxBridge reports idle before sampling (timers, finalizers, thread-pool retirement).</summary>
    public TimeSpan SoakSettle { get; private set; } = TimeSpan.FromSeconds(25);

    /// <summary>Soak: how long PbxBridge's gauges may take to return to 0; a gauge still up then is reported as a leak.</summary>
    public TimeSpan SoakIdleTimeout { get; private set; } = TimeSpan.FromSeconds(90);

    public string PbxBridgeDll { get; private set; } = "src/PbxBridge/bin/Release/net10.0/pbxbridge.dll";

    public IReadOnlyList<int> Calls { get; private set; } = [10, 50, 100];

    public TimeSpan Hold { get; private set; } = TimeSpan.FromSeconds(25);

    public int Port { get; private set; } = 18443;

    /// <summary>PbxBridge's media ports, browser legs from the lower half and PBX legs from the upper: move them off another run's.</summary>
    public (int Min, int Max) PbxBridgeMediaPorts { get; private set; } = (42000, 45999);

    public int OpusComplexity { get; private set; } = 5;

    public string? Wav { get; private set; }

    public int RampConcurrency { get; private set; } = 4;

    public string Extension { get; private set; } = "600";

    public string StateDirectory { get; private set; } = Path.Combine(Path.GetTempPath(), "pbxbridge-loadgen");

    /// <summary>Extra environment for the PbxBridge process only (NAME=VALUE), e.g. runtime knobs under study.</summary>
    public IReadOnlyList<string> PbxBridgeEnvironment { get; private set; } = [];

    /// <summary>
    /// The PBX behind PbxBridge in load mode: "asterisk" (the default: PbxBridge configured for Asterisk, the ARI
    /// simulator hosted in the load generator, its RTP echo and the one-way latency taps here) or "demo" (the demo PBX
    /// inside PbxBridge, whose echo sockets' CPU is then billed to PbxBridge). Soak mode always uses the demo PBX.
    /// </summary>
    public string Pbx { get; private set; } = "asterisk";

    /// <summary>Which targets to load: pbxbridge, rtpengine, or both (the default).</summary>
    public IReadOnlyList<string> Targets { get; private set; } = ["pbxbridge", "rtpengine"];

    /// <summary>rtpengine binary; empty skips the rtpengine comparison.</summary>
    public string Rtpengine { get; private set; } = "/usr/bin/rtpengine";

    /// <summary>
    /// rtpengine's Opus side: "webrtc" (the default: ICE, DTLS-SRTP, rtcp-mux, the work PbxBridge does) or "rtp"
    /// (plain RTP, the transcode alone, as in the runs before this option existed).
    /// </summary>
    public string RtpengineOpusSide { get; private set; } = "webrtc";

    /// <summary>rtpengine's ng control port on 127.0.0.1.</summary>
    public int RtpengineNgPort { get; private set; } = 22222;

    /// <summary>rtpengine's media ports (--port-min/--port-max): move them off another run's range.</summary>
    public (int Min, int Max) RtpenginePorts { get; private set; } = (30000, 31999);

    /// <summary>rtpengine's --log-level: 7 logs ICE, DTLS and codec set-up per call, too much while measuring.</summary>
    public int RtpengineLogLevel { get; private set; } = 4;

    /// <summary>--usedtx 1: the legs' Opus fmtp says usedtx=1, as a browser page may munge it, so PbxBridge sends DTX toward them.</summary>
    public bool UseDtx { get; private set; }

    /// <summary>
    /// --transport udp,tcp: what carries the PbxBridge legs' media, each a set of steps in the same run: "udp" (the
    /// default) or "tcp" (ICE-TCP, RFC 6544 with RFC 4571 framing, as Chromium where UDP is blocked). With tcp,
    /// PbxBridge runs with ICE-TCP on its HTTPS port, or on <see cref="IceTcpPort"/> when that is set.
    /// </summary>
    public IReadOnlyList<string> Transports { get; private set; } = ["udp"];

    /// <summary>--ice-tcp-port N: ICE-TCP on a dedicated port (Media:IceTcpPort) instead of the HTTPS port; 0 = HTTPS port.</summary>
    public int IceTcpPort { get; private set; }

    /// <summary>PbxBridge's command-line settings the chosen transports need.</summary>
    public IReadOnlyList<string> IceTcpArguments => !Transports.Contains("tcp")
        ? []
        : IceTcpPort > 0 ? [string.Create(CultureInfo.InvariantCulture, $"--Media:IceTcpPort={IceTcpPort}")] : ["--Media:IceTcpOnHttpsPort=true"];

    /// <summary>
    /// --nodes 1,3: cluster mode (issue 19). Each entry is a cluster of that many PbxBridge nodes
    /// (<see cref="Cluster.ClusterLayout"/>) in front of one PBX, loaded with every <see cref="Calls"/> step in turn,
    /// one cluster after the other in the same run; empty (the default) is the single process of the other modes.
    /// </summary>
    public IReadOnlyList<int> ClusterSizes { get; private set; } = [];

    /// <summary>--front haproxy|none: in cluster mode, legs' WebSockets through the shipped HAProxy front (the default) or straight to node (leg mod N).</summary>
    public string Front { get; private set; } = "haproxy";

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
                case "--mode": options.Mode = value is "load" or "soak" ? value : throw new ArgumentException($"--mode is load or soak, not {value}"); break;
                case "--sequential": options.SoakSequential = int.Parse(value, CultureInfo.InvariantCulture); break;
                case "--concurrent": options.SoakConcurrent = int.Parse(value, CultureInfo.InvariantCulture); break;
                case "--call-hold-ms": options.SoakSequentialHold = TimeSpan.FromMilliseconds(int.Parse(value, CultureInfo.InvariantCulture)); break;
                case "--tolerance": options.SoakTolerance = double.Parse(value, CultureInfo.InvariantCulture); break;
                case "--thread-slack": options.SoakThreadSlack = int.Parse(value, CultureInfo.InvariantCulture); break;
                case "--warmup": options.SoakWarmupCalls = int.Parse(value, CultureInfo.InvariantCulture); break;
                case "--idle-timeout": options.SoakIdleTimeout = TimeSpan.FromSeconds(double.Parse(value, CultureInfo.InvariantCulture)); break;
                case "--settle": options.SoakSettle = TimeSpan.FromSeconds(double.Parse(value, CultureInfo.InvariantCulture)); break;
                case "--calls": options.Calls = [.. value.Split(',').Select(n => int.Parse(n, CultureInfo.InvariantCulture))]; break;
                case "--hold": options.Hold = TimeSpan.FromSeconds(double.Parse(value, CultureInfo.InvariantCulture)); break;
                case "--port": options.Port = int.Parse(value, CultureInfo.InvariantCulture); break;
                case "--complexity": options.OpusComplexity = int.Parse(value, CultureInfo.InvariantCulture); break;
                case "--wav": options.Wav = value; break;
                case "--usedtx": options.UseDtx = value is "1" or "true"; break;
                case "--ramp-concurrency": options.RampConcurrency = int.Parse(value, CultureInfo.InvariantCulture); break;
                case "--extension": options.Extension = value; break;
                case "--state-dir": options.StateDirectory = value; break;
                case "--rtpengine": options.Rtpengine = value; break;
                case "--rtpengine-opus-side": options.RtpengineOpusSide = value is "webrtc" or "rtp" ? value : throw new ArgumentException($"--rtpengine-opus-side is webrtc or rtp, not {value}"); break;
                case "--rtpengine-ng-port": options.RtpengineNgPort = int.Parse(value, CultureInfo.InvariantCulture); break;
                case "--rtpengine-ports": options.RtpenginePorts = PortRange(name, value); break;
                case "--pbxbridge-media-ports": options.PbxBridgeMediaPorts = PortRange(name, value); break;
                case "--rtpengine-log-level": options.RtpengineLogLevel = int.Parse(value, CultureInfo.InvariantCulture); break;
                case "--pbxbridge-env": options.PbxBridgeEnvironment = [.. options.PbxBridgeEnvironment, value]; break;
                case "--targets": options.Targets = value.Split(','); break;
                case "--transport":
                    options.Transports = value.Split(',');
                    if (options.Transports.Any(t => t is not ("udp" or "tcp")))
                    {
                        throw new ArgumentException($"--transport is udp, tcp or udp,tcp, not {value}");
                    }

                    break;
                case "--ice-tcp-port":
                    options.IceTcpPort = int.Parse(value, CultureInfo.InvariantCulture) is var port and > 1023 and <= 65535
                        ? port
                        : throw new ArgumentException($"--ice-tcp-port is 1024-65535, not {value}");
                    break;
                case "--nodes":
                    options.ClusterSizes = [.. value.Split(',').Select(n => int.TryParse(n, NumberStyles.None, CultureInfo.InvariantCulture, out var size) && size is >= 1 and <= 200
                        ? size
                        : throw new ArgumentException($"--nodes is a list of cluster sizes 1-200, e.g. 1,3, not {value}"))];
                    break;
                case "--front": options.Front = value is "haproxy" or "none" ? value : throw new ArgumentException($"--front is haproxy or none, not {value}"); break;
                case "--pbx": options.Pbx = value is "asterisk" or "demo" ? value : throw new ArgumentException($"--pbx is asterisk or demo, not {value}"); break;
                default: throw new ArgumentException($"unknown option {name}");
            }
        }

        if (options.ClusterSizes.Count > 0)
        {
            if (options.Transports.Contains("tcp"))
            {
                throw new ArgumentException("--nodes with --transport tcp: ICE-TCP on the HTTPS port cannot pass the front (deploy/haproxy/README.md); measure clusters over udp");
            }

            // Each size must fit the ports: fail now, not after the single-node part of the run.
            foreach (var size in options.ClusterSizes)
            {
                _ = Cluster.ClusterLayout.Plan(size, options.Port, options.PbxBridgeMediaPorts);
            }
        }

        return options;
    }

    private static (int Min, int Max) PortRange(string name, string value)
    {
        var parts = value.Split('-');
        if (parts.Length != 2)
        {
            throw new ArgumentException($"{name} is MIN-MAX, not {value}");
        }

        var range = (int.Parse(parts[0], CultureInfo.InvariantCulture), int.Parse(parts[1], CultureInfo.InvariantCulture));
        return range.Item1 is > 1023 and <= 65535 && range.Item2 <= 65535 && range.Item2 - range.Item1 >= 3
            ? range
            : throw new ArgumentException($"{name} {value}: need 1024-65535 and room for a call (4 ports)");
    }
}
