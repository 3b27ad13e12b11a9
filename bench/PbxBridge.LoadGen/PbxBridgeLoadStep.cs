using System.Diagnostics;
using PbxBridge.Browser.Simulator.Measurement;
using PbxBridge.Browser.Simulator.Media;
using PbxBridge.Browser.Simulator.WebRtc;
using PbxBridge.LoadGen.Measurement;
using PbxBridge.LoadGen.Pbx;
using PbxBridge.LoadGen.Reporting;

namespace PbxBridge.LoadGen;

/// <summary>
/// One load step against PbxBridge: ramp N browser legs (a few set up at a time, as agents log in over minutes in
/// real life), let them settle, hold them while sampling PbxBridge's CPU and RSS from /proc, then hang up all. With
/// the simulated Asterisk as PBX, each leg's PBX socket is tapped for the one-way latencies. The legs' media goes
/// over UDP or, for transport "tcp", over ICE-TCP (RFC 6544/4571) to the HTTPS port or LoadGenOptions.IceTcpPort.
/// </summary>
internal sealed class PbxBridgeLoadStep
{
    private const int ProbeLegs = 10;
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(2);

    private readonly IBridgeUnderLoad _bridge;
    private readonly ClientCertificate _certificate;
    private readonly OpusFrameSource _source;
    private readonly MediaPacer _pacer;
    private readonly LoadGenOptions _options;
    private readonly SimulatedAsterisk? _asterisk;

    public PbxBridgeLoadStep(
        IBridgeUnderLoad bridge, ClientCertificate certificate, OpusFrameSource source, MediaPacer pacer, LoadGenOptions options, SimulatedAsterisk? asterisk)
    {
        _bridge = bridge;
        _certificate = certificate;
        _source = source;
        _pacer = pacer;
        _options = options;
        _asterisk = asterisk;
    }

    public Task<StepResult> RunAsync(int calls, TimeSpan hold, CancellationToken cancellationToken) =>
        RunAsync(calls, hold, "udp", cancellationToken);

    public async Task<StepResult> RunAsync(int calls, TimeSpan hold, string transport, CancellationToken cancellationToken)
    {
        int? iceTcpPort = transport == "tcp" ? (_options.IceTcpPort > 0 ? _options.IceTcpPort : _bridge.Port) : null;
        var idle = ProcessSample.Take(_bridge.NodePids);
        var legs = new List<BrowserLeg>();
        var failures = new List<string>();
        using var ramp = new SemaphoreSlim(_options.RampConcurrency);
        var setups = new List<Task>();
        for (var i = 0; i < calls; i++)
        {
            var leg = new BrowserLeg(i, _certificate, _source, PbxBridgeProcess.AgentId(i), PbxBridgeProcess.Password, "127.0.0.1", probe: i < ProbeLegs, useDtx: _options.UseDtx, iceTcpPort: iceTcpPort);
            legs.Add(leg);
            await ramp.WaitAsync(cancellationToken);
            setups.Add(SetUpAsync(leg, ramp, failures, cancellationToken));
        }

        await Task.WhenAll(setups);
        var established = legs.FindAll(leg => leg.IsSending);
        var refused = legs.FindAll(leg => leg.RefusedStatus == 503);
        if (_asterisk is not null)
        {
            foreach (var leg in established)
            {
                if (!_asterisk.TryTap(PbxBridgeProcess.AgentId(leg.Index), leg.Latency))
                {
                    lock (failures)
                    {
                        failures.Add($"{leg}: no bridged externalMedia channel to time (one-way latency not measured)");
                    }
                }
            }
        }

        await Task.Delay(Settle, cancellationToken);

        foreach (var leg in established)
        {
            leg.Recording = true;
        }

        _pacer.ResetCounters();
        var nodesBefore = _bridge.NodePids.Select(ProcessSample.Take).ToList();
        var frontBefore = _bridge.FrontPid is { } frontPid ? ProcessSample.Take(frontPid) : default;
        var before = ProcessSample.Take(_bridge.NodePids);
        var selfBefore = Process.GetCurrentProcess().TotalProcessorTime;
        // bench/profile.sh starts `perf record` on this line: the hold, with every call up.
        Console.Error.WriteLine(FormattableString.Invariant($"  holding {established.Count} calls for {hold.TotalSeconds:F0} s"));
        await Task.Delay(hold, cancellationToken);
        var after = ProcessSample.Take(_bridge.NodePids);
        var selfAfter = Process.GetCurrentProcess().TotalProcessorTime;
        var nodesAfter = _bridge.NodePids.Select(ProcessSample.Take).ToList();
        var frontAfter = _bridge.FrontPid is { } samePid ? ProcessSample.Take(samePid) : default;
        var lateSlots = _pacer.LateSlots;
        foreach (var leg in established)
        {
            leg.Recording = false;
        }

        var heldSeconds = Stopwatch.GetElapsedTime(before.TakenTicks, after.TakenTicks).TotalSeconds;
        var callSeconds = Math.Max(1, established.Count) * heldSeconds;
        var roundTrips = new List<double>();
        var setupTimes = new List<double>();
        var (toPbx, held, excludingJitter, toBrowser) = (new List<double>(), new List<double>(), new List<double>(), new List<double>());
        var phases = new List<SetupPhases>();
        foreach (var leg in established)
        {
            roundTrips.AddRange(leg.RoundTripsMs);
            setupTimes.Add(leg.SetupMs);
            toPbx.AddRange(leg.Latency.BrowserToPbxMs);
            held.AddRange(leg.Latency.BrowserToPbxHeldMs);
            excludingJitter.AddRange(leg.Latency.BrowserToPbxExcludingJitterMs);
            toBrowser.AddRange(leg.Latency.PbxToBrowserMs);
            phases.Add(leg.Phases);
        }

        Console.Error.WriteLine($"  {SetupPhases.Summary(phases)}");

        foreach (var leg in legs)
        {
            _pacer.Remove(leg.SendFrame);
        }

        var result = new StepResult
        {
            Target = _bridge is Cluster.PbxBridgeCluster cluster ? $"cluster-{cluster.Nodes.Count}" : transport == "tcp" ? "pbxbridge-tcp" : "pbxbridge",
            Nodes = _bridge.NodePids.Count,
            NodeCpuMsPerCallSecond = [.. nodesBefore.Zip(nodesAfter, (b, a) => (a.CpuMs - b.CpuMs) / callSeconds)],
            FrontCpuMsPerCallSecond = _bridge.FrontPid is null ? double.NaN : (frontAfter.CpuMs - frontBefore.CpuMs) / callSeconds,
            LegsByMediaAddress = established.Where(leg => leg.MediaPeer is not null)
                .GroupBy(leg => leg.MediaPeer!.Address.ToString())
                .OrderBy(g => g.Key, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => g.Count()),
            LoadAverage = LoadAverage.Read(),
            Calls = calls,
            Established = established.Count,
            Failed = calls - established.Count,
            Refused503 = refused.Count,
            RefusalP99Ms = Percentile.Of(refused.ConvertAll(leg => leg.RefusedAfterMs), 99),
            HoldSeconds = heldSeconds,
            CpuMsPerCallSecond = (after.CpuMs - before.CpuMs) / callSeconds,
            RssKbPerCall = established.Count == 0 ? double.NaN : (double)(after.RssKb - idle.RssKb) / established.Count,
            RssMb = after.RssKb / 1024.0,
            PacketsSent = Sum(established, leg => leg.PacketsSent),
            PacketsReceived = Sum(established, leg => leg.PacketsReceived),
            PacketsLost = Sum(established, leg => leg.PacketsLost),
            PacketsLate = Sum(established, leg => leg.PacketsLate),
            RoundTripP50Ms = Percentile.Of(roundTrips, 50),
            RoundTripP99Ms = Percentile.Of(roundTrips, 99),
            RoundTripSamples = roundTrips.Count,
            BrowserToPbx = LatencySummary.Of(toPbx),
            BrowserToPbxHeld = LatencySummary.Of(held),
            BrowserToPbxExcludingJitter = LatencySummary.Of(excludingJitter),
            PbxToBrowser = LatencySummary.Of(toBrowser),
            SetupP50Ms = Percentile.Of(setupTimes, 50),
            SetupP99Ms = Percentile.Of(setupTimes, 99),
            LoadGenCpuMsPerCallSecond = (selfAfter - selfBefore).TotalMilliseconds / callSeconds,
            PacerLateSlots = lateSlots,
            Failures = failures,
        };

        await TearDownAsync(legs, failures, cancellationToken);
        return result;
    }

    private async Task SetUpAsync(BrowserLeg leg, SemaphoreSlim ramp, List<string> failures, CancellationToken cancellationToken)
    {
        try
        {
            var setup = leg.SetupAsync(_bridge.SipUri(leg.Index), _options.Extension, cancellationToken);
            // The leg starts sending as soon as DTLS completes, before SetupAsync returns (it waits for media back).
            _pacer.Add(leg.SendFrame);
            await setup;
        }
        catch (Exception ex)
        {
            lock (failures)
            {
                failures.Add($"{leg}: {ex.GetType().Name}: {ex.Message}");
            }
        }
        finally
        {
            ramp.Release();
        }
    }

    private static async Task TearDownAsync(List<BrowserLeg> legs, List<string> failures, CancellationToken cancellationToken)
    {
        using var gate = new SemaphoreSlim(16);
        await Task.WhenAll(legs.ConvertAll(async leg =>
        {
            await gate.WaitAsync(cancellationToken);
            try
            {
                if (leg.IsSending)
                {
                    await leg.HangUpAsync(cancellationToken);
                }
            }
            catch (Exception ex)
            {
                lock (failures)
                {
                    failures.Add($"{leg} hang-up: {ex.Message}");
                }
            }
            finally
            {
                await leg.DisposeAsync();
                gate.Release();
            }
        }));
    }

    private static long Sum(List<BrowserLeg> legs, Func<BrowserLeg, long> value)
    {
        long total = 0;
        foreach (var leg in legs)
        {
            total += value(leg);
        }

        return total;
    }
}
