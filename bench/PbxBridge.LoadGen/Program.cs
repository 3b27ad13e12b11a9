using System.Globalization;
using PbxBridge.Browser.Simulator.Media;
using PbxBridge.Browser.Simulator.WebRtc;
using PbxBridge.LoadGen;
using PbxBridge.LoadGen.Baselines;
using PbxBridge.LoadGen.Pbx;
using PbxBridge.LoadGen.Reporting;
using PbxBridge.LoadGen.Rtpengine;
using PbxBridge.LoadGen.Soak;

// pbxbridge-loadgen: N concurrent browser legs against a PbxBridge it starts, the same transcode through rtpengine,
// and the libopus-only ceiling, in one run. Progress goes to stderr; the table and the final JSON line to stdout.
LoadGenOptions options;
try
{
    options = LoadGenOptions.Parse(args);
}
catch (Exception ex) when (ex is ArgumentException or FormatException)
{
    Console.Error.WriteLine($"pbxbridge-loadgen: {ex.Message}");
    return 64;
}

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};

void Progress(string message) => Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[{DateTime.UtcNow:HH:mm:ss}] {message}"));

var source = OpusFrameSource.Create(options.Wav, seconds: 10);
var certificate = ClientCertificate.Generate();
if (options.Mode == "soak")
{
    using var soakPacer = new MediaPacer();
    await using var soakBridge = await PbxBridgeProcess.StartAsync(
        Path.GetFullPath(options.PbxBridgeDll), options.Port, options.PbxBridgeMediaPorts, Math.Max(1, options.SoakConcurrent), options.OpusComplexity, options.StateDirectory, options.PbxBridgeEnvironment);
    Progress($"PbxBridge pid {soakBridge.Pid} on port {soakBridge.Port} (log {soakBridge.LogPath})");
    var soak = await new SoakRun(soakBridge, certificate, source, soakPacer, options, Progress).RunAsync(cancel.Token);
    Console.Write(soak.Table());
    Console.WriteLine(soak.Json());
    return soak.Passed ? 0 : 1;
}

Progress($"audio: {source.Count} Opus frames ({(options.Wav ?? "generated signal")}); measuring the libopus-only baseline");
var libopus = LibopusBaseline.CpuMsPerCallSecond(source, options.OpusComplexity, callSeconds: 120);
Progress(string.Create(CultureInfo.InvariantCulture, $"libopus only: {libopus:F2} ms CPU per call-second"));

var steps = new List<StepResult>();
double? idleCpu = null;
using (var pacer = new MediaPacer())
{
    if (options.Targets.Contains("pbxbridge") && options.ClusterSizes.Count > 0)
    {
        steps.AddRange(await PbxBridge.LoadGen.Cluster.ClusterLoadRun.RunAsync(options, certificate, source, pacer, Progress, cancel.Token));
    }
    else if (options.Targets.Contains("pbxbridge"))
    {
        await using var asterisk = options.Pbx == "asterisk" ? await SimulatedAsterisk.StartAsync(cancel.Token) : null;
        await using (var bridge = await PbxBridgeProcess.StartAsync(
            Path.GetFullPath(options.PbxBridgeDll), options.Port, options.PbxBridgeMediaPorts, options.Calls.Max(), options.OpusComplexity, options.StateDirectory, options.PbxBridgeEnvironment,
            [.. asterisk?.PbxBridgeArguments ?? [], .. options.IceTcpArguments]))
        {
            Progress(asterisk is null
                ? $"PbxBridge pid {bridge.Pid} on port {bridge.Port}, demo PBX inside it (log {bridge.LogPath})"
                : $"PbxBridge pid {bridge.Pid} on port {bridge.Port}, Asterisk (ARI simulator, RTP echo) in the load generator (log {bridge.LogPath})");
            var step = new PbxBridgeLoadStep(bridge, certificate, source, pacer, options, asterisk);
            // 32 calls: the runtime recompiles a method with full optimisation after 30 calls, so with only 4 the
            // first reported step paid the recompiled code of the per-call setup path (~3.5 MB of RSS, counted as if
            // each of its calls had cost it).
            var warmUpCalls = Math.Min(32, options.Calls.Max());
            Progress($"warm-up: {warmUpCalls} calls for 3 s (JIT, DTLS warm-up, pools), not reported");
            await step.RunAsync(warmUpCalls, TimeSpan.FromSeconds(3), cancel.Token);

            // Idle is measured warm: right after start-up most of an idle PbxBridge's CPU is the JIT's background
            // tier-up (78 % of a perf sample), a one-off that says nothing of what a quiet service costs.
            await Task.Delay(TimeSpan.FromSeconds(10), cancel.Token);
            idleCpu = await bridge.IdleCpuMsPerSecondAsync(TimeSpan.FromSeconds(5));
            Progress(string.Create(CultureInfo.InvariantCulture, $"PbxBridge idle after the warm-up, no call: {idleCpu:F1} ms CPU per second"));
            // UDP and TCP back to back at each size: on a shared machine the load drifts, and neighbours compare best.
            foreach (var (transport, calls) in options.Calls.SelectMany(c => options.Transports.Select(t => (t, c))))
            {
                Progress($"pbxbridge: {calls} calls over {(transport == "tcp" ? "ICE-TCP" : "UDP")}, hold {options.Hold.TotalSeconds:F0} s");
                var result = await step.RunAsync(calls, options.Hold, transport, cancel.Token);
                steps.Add(result);
                foreach (var failure in result.Failures.Take(5))
                {
                    Progress($"  failed: {failure}");
                }

                Progress(string.Create(CultureInfo.InvariantCulture,
                    $"  {result.Established}/{calls} up, {result.Refused503} refused with 503 (p99 {result.RefusalP99Ms:F0} ms after the INVITE), {result.CpuMsPerCallSecond:F2} ms/call-s, rtt p99 {result.RoundTripP99Ms:F1} ms, setup p99 {result.SetupP99Ms:F0} ms, one-way p99 browser->pbx {result.BrowserToPbx.P99Ms:F2} (excl. jitter buffer {result.BrowserToPbxExcludingJitter.P99Ms:F2}) pbx->browser {result.PbxToBrowser.P99Ms:F2} ms"));
                await Task.Delay(TimeSpan.FromSeconds(3), cancel.Token);
            }
        }
    }

    if (!options.Targets.Contains("rtpengine"))
    {
        Progress("rtpengine comparison not requested");
    }
    else if (options.Rtpengine.Length > 0 && File.Exists(options.Rtpengine))
    {
        await using var rtpengine = await RtpengineProcess.StartAsync(
            options.Rtpengine, options.StateDirectory, options.RtpengineNgPort, options.RtpenginePorts, options.RtpengineLogLevel);
        var opusSide = options.RtpengineOpusSide == "rtp" ? RtpengineOpusSide.Rtp : RtpengineOpusSide.WebRtc;
        Progress(opusSide == RtpengineOpusSide.WebRtc
            ? $"rtpengine pid {rtpengine.Pid}: opus over ICE/DTLS-SRTP <-> PCMU over plain RTP, through ng offer/answer (log {rtpengine.LogPath})"
            : $"rtpengine pid {rtpengine.Pid}: opus <-> PCMU, plain RTP on both sides, through ng offer/answer (log {rtpengine.LogPath})");
        var step = new RtpengineLoadStep(rtpengine, opusSide, certificate, source, pacer);
        foreach (var calls in options.Calls)
        {
            Progress($"rtpengine: {calls} calls, hold {options.Hold.TotalSeconds:F0} s");
            var result = await step.RunAsync(calls, options.Hold, cancel.Token);
            steps.Add(result);
            foreach (var failure in result.Failures.Take(5))
            {
                Progress($"  failed: {failure}");
            }

            Progress(string.Create(CultureInfo.InvariantCulture, $"  {result.Established}/{calls} up, {result.CpuMsPerCallSecond:F2} ms/call-s"));
        }
    }
    else
    {
        Progress("rtpengine not found: comparison skipped (apt-get install rtpengine-daemon)");
    }
}

Console.Write(LoadReport.Table(steps, libopus, options.OpusComplexity));
Console.WriteLine(LoadReport.FinalJson(steps, libopus, options.OpusComplexity, idleCpu, options.Pbx, options.RtpengineOpusSide));
return steps.Exists(s => s.Failed > 0) ? 1 : 0;
