using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using PbxBridge.Browser.Simulator.Media;
using PbxBridge.Browser.Simulator.WebRtc;

namespace PbxBridge.LoadGen.Soak;

/// <summary>
/// The soak of issue 11: warm PbxBridge up, let it go idle and sample it (the baseline), then place N sequential
/// calls and M concurrent ones, let it go idle again and sample it. Idle means PbxBridge's own gauges show no call,
/// WebSocket, dialog, transaction, registration or rented port; a gauge that never returns to zero is itself a leak.
/// </summary>
internal sealed class SoakRun
{
    /// <summary>Gauges that must all read 0 once every leg has hung up and closed its WebSocket.</summary>
    internal static readonly string[] IdleGauges =
    [
        "pbxbridge_calls_active", "pbxbridge_sip_connections", "pbxbridge_sip_dialogs", "pbxbridge_sip_transactions",
        "pbxbridge_agents_registered", "pbxbridge_udp_ports_browser_in_use", "pbxbridge_udp_ports_pbx_in_use",
    ];

    private readonly PbxBridgeProcess _bridge;
    private readonly ClientCertificate _certificate;
    private readonly OpusFrameSource _source;
    private readonly MediaPacer _pacer;
    private readonly LoadGenOptions _options;
    private readonly Action<string> _progress;
    private readonly HttpClient _http;
    private ResourceSample? _previous;

    public SoakRun(PbxBridgeProcess bridge, ClientCertificate certificate, OpusFrameSource source, MediaPacer pacer, LoadGenOptions options, Action<string> progress)
    {
        _bridge = bridge;
        _certificate = certificate;
        _source = source;
        _pacer = pacer;
        _options = options;
        _progress = progress;
        _http = new HttpClient(new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, _, _, _) => true })
        {
            BaseAddress = bridge.BaseUri,
            Timeout = TimeSpan.FromSeconds(30),
        };

        // /metrics and the heap reading are admin-only; loopback alone is not trusted (Http:TrustLoopback), so send the
        // token PbxBridge wrote to the state directory this run gave it, as the pbxbridge CLI does.
        var token = File.ReadAllText(Path.Combine(options.StateDirectory, "admin-token")).Trim();
        _http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
    }

    public async Task<SoakResult> RunAsync(CancellationToken cancellationToken)
    {
        var failures = new List<string>();
        var samples = new List<ResourceSample> { await SampleAsync("cold (no call yet)", cancellationToken) };

        // The warm-up reaches the same peak concurrency as the judged run: what grows once to fit the peak (the thread
        // pool, dictionary buckets, buffer pools) is then in the baseline, and only what the later calls add is judged.
        var warmup = Math.Min(_options.SoakWarmupCalls, Math.Max(1, _options.SoakSequential));
        _progress($"soak warm-up: {warmup} sequential calls and {_options.SoakConcurrent} concurrent (JIT, pools, thread pool), not judged");
        failures.AddRange(Phase("warm-up", await SequentialAsync(warmup, cancellationToken)));
        failures.AddRange(Phase("warm-up", await ConcurrentAsync(_options.SoakConcurrent, cancellationToken)));
        var stuck = new List<string>(await WaitForIdleAsync("after the warm-up", cancellationToken));
        var baseline = await SampleAsync("baseline (warm, idle)", cancellationToken);
        samples.Add(baseline);

        var clock = Stopwatch.StartNew();
        _progress($"soak: {_options.SoakSequential} sequential calls");
        failures.AddRange(Phase("judged", await SequentialAsync(_options.SoakSequential, cancellationToken)));
        var sequentialSeconds = clock.Elapsed.TotalSeconds;
        stuck.AddRange(await WaitForIdleAsync("after the sequential calls", cancellationToken));
        samples.Add(await SampleAsync($"after {_options.SoakSequential} sequential", cancellationToken));

        _progress($"soak: {_options.SoakConcurrent} concurrent calls held {_options.Hold.TotalSeconds:F0} s");
        failures.AddRange(Phase("judged", await ConcurrentAsync(_options.SoakConcurrent, cancellationToken)));
        stuck.AddRange(await WaitForIdleAsync("after the concurrent calls", cancellationToken));
        var final = await SampleAsync($"after {_options.SoakConcurrent} concurrent", cancellationToken);
        samples.Add(final);

        var violations = new List<string>(new SoakBudget(_options.SoakTolerance, _options.SoakThreadSlack).Violations(baseline, final));
        violations.AddRange(stuck);

        return new SoakResult(samples, baseline, final, violations, failures, _options.SoakSequential, _options.SoakConcurrent, sequentialSeconds);
    }

    private static IEnumerable<string> Phase(string phase, IEnumerable<string> failures) => failures.Select(f => $"{phase}: {f}");

    private async Task<List<string>> SequentialAsync(int calls, CancellationToken cancellationToken)
    {
        var failures = new List<string>();
        var wss = new Uri($"wss://127.0.0.1:{_bridge.Port}/sip");
        var agents = Math.Max(1, _options.SoakConcurrent);
        for (var i = 0; i < calls; i++)
        {
            var leg = new BrowserLeg(i, _certificate, _source, PbxBridgeProcess.AgentId(i % agents), PbxBridgeProcess.Password, "127.0.0.1", probe: false);
            try
            {
                var setup = leg.SetupAsync(wss, _options.Extension, cancellationToken);
                _pacer.Add(leg.SendFrame);
                await setup;
                await Task.Delay(_options.SoakSequentialHold, cancellationToken);
                await leg.HangUpAsync(cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                failures.Add($"sequential {leg}: {ex.GetType().Name}: {ex.Message}");
            }
            finally
            {
                _pacer.Remove(leg.SendFrame);
                await leg.DisposeAsync();
            }

            if ((i + 1) % 100 == 0)
            {
                _progress($"  {i + 1}/{calls} sequential calls, {failures.Count} failed");
            }
        }

        return failures;
    }

    private async Task<IReadOnlyList<string>> ConcurrentAsync(int calls, CancellationToken cancellationToken)
    {
        if (calls == 0)
        {
            return [];
        }

        var step = new PbxBridgeLoadStep(_bridge, _certificate, _source, _pacer, _options, asterisk: null);
        var result = await step.RunAsync(calls, _options.Hold, cancellationToken);
        return result.Failures;
    }

    /// <summary>
    /// Polls /metrics until every idle gauge reads 0 (or the idle timeout passes), then lets the process settle.
    /// Returns one line per gauge still above 0: something no call owns any more.
    /// </summary>
    private async Task<IReadOnlyList<string>> WaitForIdleAsync(string when, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.StartNew();
        List<(string Gauge, long Value)> gauges;
        while (true)
        {
            var text = await _http.GetStringAsync(new Uri("metrics", UriKind.Relative), cancellationToken);
            gauges = [.. IdleGauges.Select(name => (name, ReadGauge(text, name)))];
            if (gauges.TrueForAll(g => g.Value == 0) || deadline.Elapsed > _options.SoakIdleTimeout)
            {
                break;
            }

            await Task.Delay(250, cancellationToken);
        }

        await Task.Delay(_options.SoakSettle, cancellationToken);
        return [.. gauges.Where(g => g.Value != 0).Select(g => string.Create(CultureInfo.InvariantCulture, $"{g.Gauge} is {g.Value} {when}, with no call in progress"))];
    }

    private async Task<ResourceSample> SampleAsync(string label, CancellationToken cancellationToken)
    {
        using var response = await _http.PostAsync(new Uri("api/diagnostics/heap", UriKind.Relative), content: null, cancellationToken);
        response.EnsureSuccessStatusCode();
        var heap = (await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken)).GetProperty("heapBytesAfterFullGc").GetInt64();
        var sample = ResourceSample.Take(label, _bridge.Pid, heap);
        _progress(sample.ToString());
        if (_previous is not null && sample.ThreadNamesChangedSince(_previous) is { Length: > 0 } changed)
        {
            _progress($"  threads by name since the last sample: {changed}");
        }

        _previous = sample;
        return sample;
    }

    private static long ReadGauge(string metrics, string name)
    {
        foreach (var line in metrics.Split('\n'))
        {
            if (line.StartsWith(name + " ", StringComparison.Ordinal))
            {
                return long.Parse(line[(name.Length + 1)..], CultureInfo.InvariantCulture);
            }
        }

        throw new InvalidOperationException($"PbxBridge's /metrics has no {name}");
    }
}
