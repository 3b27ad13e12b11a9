using System.Diagnostics;
using PbxBridge.Browser.Simulator.Measurement;
using PbxBridge.Browser.Simulator.Media;
using PbxBridge.Browser.Simulator.WebRtc;
using PbxBridge.LoadGen.Measurement;
using PbxBridge.LoadGen.Reporting;

namespace PbxBridge.LoadGen.Rtpengine;

/// <summary>N concurrent opus &lt;-&gt; PCMU calls through rtpengine, held while its CPU is sampled from /proc.</summary>
internal sealed class RtpengineLoadStep
{
    private const int ProbeLegs = 10;

    private readonly RtpengineProcess _engine;
    private readonly RtpengineOpusSide _opusSide;
    private readonly ClientCertificate _certificate;
    private readonly OpusFrameSource _source;
    private readonly MediaPacer _pacer;

    public RtpengineLoadStep(RtpengineProcess engine, RtpengineOpusSide opusSide, ClientCertificate certificate, OpusFrameSource source, MediaPacer pacer)
    {
        _engine = engine;
        _opusSide = opusSide;
        _certificate = certificate;
        _source = source;
        _pacer = pacer;
    }

    public async Task<StepResult> RunAsync(int calls, TimeSpan hold, CancellationToken cancellationToken)
    {
        using var ng = new NgClient(_engine.Control);
        var idle = ProcessSample.Take(_engine.Pid);
        var legs = new List<RtpengineLeg>();
        var failures = new List<string>();
        for (var i = 0; i < calls; i++)
        {
            var leg = new RtpengineLeg(i, _opusSide, _certificate, _source, probe: i < ProbeLegs);
            legs.Add(leg);
            try
            {
                // On the pacer before set-up: a WebRTC leg starts sending once DTLS is up and waits for media back.
                _pacer.Add(leg.SendFrame);
                await leg.SetupAsync(ng, cancellationToken);
            }
            catch (Exception ex) when (ex is InvalidOperationException or MediaSetupException)
            {
                failures.Add($"{leg}: {ex.Message}");
            }
        }

        var established = legs.FindAll(leg => leg.IsSending);
        await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);
        established.ForEach(leg => leg.Recording = true);
        var before = ProcessSample.Take(_engine.Pid);
        await Task.Delay(hold, cancellationToken);
        var after = ProcessSample.Take(_engine.Pid);
        established.ForEach(leg => leg.Recording = false);
        legs.ForEach(leg => _pacer.Remove(leg.SendFrame));

        var heldSeconds = Stopwatch.GetElapsedTime(before.TakenTicks, after.TakenTicks).TotalSeconds;
        var callSeconds = Math.Max(1, established.Count) * heldSeconds;
        var roundTrips = established.SelectMany(leg => leg.RoundTripsMs).ToList();
        var setupTimes = established.Select(leg => leg.SetupMs).Where(ms => !double.IsNaN(ms)).ToList();
        var sent = established.Sum(leg => leg.PacketsSent);
        var received = established.Sum(leg => leg.PacketsReceived);
        var result = new StepResult
        {
            Target = "rtpengine",
            Calls = calls,
            Established = established.Count,
            Failed = calls - established.Count,
            HoldSeconds = heldSeconds,
            CpuMsPerCallSecond = (after.CpuMs - before.CpuMs) / callSeconds,
            RssKbPerCall = established.Count == 0 ? double.NaN : (double)(after.RssKb - idle.RssKb) / established.Count,
            RssMb = after.RssKb / 1024.0,
            PacketsSent = sent,
            PacketsReceived = received,
            PacketsLost = Math.Max(0, sent - received),
            RoundTripP50Ms = Percentile.Of(roundTrips, 50),
            RoundTripP99Ms = Percentile.Of(roundTrips, 99),
            RoundTripSamples = roundTrips.Count,
            SetupP50Ms = Percentile.Of(setupTimes, 50),
            SetupP99Ms = Percentile.Of(setupTimes, 99),
            Failures = failures,
        };

        foreach (var leg in legs)
        {
            try
            {
                if (leg.IsSignalled)
                {
                    await leg.DeleteAsync(ng, cancellationToken);
                }
            }
            catch (InvalidOperationException ex)
            {
                failures.Add($"{leg} delete: {ex.Message}");
            }

            await leg.DisposeAsync();
        }

        return result;
    }
}
