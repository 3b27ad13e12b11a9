using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using PbxBridge.Browser.Simulator.Media;
using PbxBridge.Browser.Simulator.WebRtc;
using PbxBridge.Browser.Tests.Harness;

namespace PbxBridge.Browser.Tests.Network;

/// <summary>
/// Issue 23, single-port mode: 20 concurrent legs on one UDP port (Media:SingleUdpPort), each with the right audio.
/// Three are real headless Chromium (JsSIP and SIP.js), the rest load-generator legs (SIP over WSS, ICE as the
/// controlling agent, DTLS, SRTP, Opus: what Chromium does, without a browser's CPU; 20 Chromiums do not fit on the
/// two cores this runs on). Every leg calls the echo (600) sending a tone of its own frequency and must hear that
/// frequency back, no other: a datagram routed to the wrong leg would be heard as a neighbour's tone or as silence.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class SingleUdpPortTests : IDisposable
{
    private const int LoadGenLegs = 17;
    private static readonly TimeSpan ScenarioTimeout = TimeSpan.FromSeconds(150);
    private static readonly (string Library, string Agent, double Hz)[] ChromiumLegs =
        [("jssip", "1001", 2250), ("sipjs", "1002", 2550), ("jssip", "1002", 2850)];

    private readonly string _folder = Directory.CreateTempSubdirectory("single-udp-port-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task Twenty_legs_on_one_udp_port_each_hear_their_own_tone()
    {
        var port = FreeUdpPort();
        await using var host = await PbxBridgeProcess.StartAsync(extraArgs:
        [
            $"--Media:SingleUdpPort={port}",
            "--Limits:MaxCallsPerAgent=20",
            "--Limits:MaxRegistrationsPerAgent=20",
            // Three Chromiums starting on a shared two-core machine look like overload to the controller, which would
            // refuse calls with 503: right for production, beside the point of a routing test.
            "--Limits:OverloadControl=false",
        ]);
        using var pacer = new MediaPacer();
        var certificate = ClientCertificate.Generate();
        var legs = new List<(BrowserLeg Leg, double Hz)>();
        try
        {
            using var setup = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            for (var first = 0; first < LoadGenLegs; first += 4)
            {
                var batch = Enumerable.Range(first, Math.Min(4, LoadGenLegs - first)).Select(i =>
                {
                    var hz = 350.0 + (100 * i); // 350 ... 1950 Hz: none on the 1 kHz marker
                    var wav = Path.Combine(_folder, $"leg{i}.wav");
                    // Under half the marker's level, which the leg's tone meter leaves out as the 1 kHz marker burst.
                    ToneWav.Write(wav, hz, 10, amplitude: 0.2);
                    var leg = new BrowserLeg(i, certificate, OpusFrameSource.Create(wav, 10), i % 2 == 0 ? "1001" : "1002", host.AgentPassword, "127.0.0.1",
                        probe: false, measureTone: true);
                    legs.Add((leg, hz));
                    return leg.SetupAsync(new Uri(host.SipUrl), "600", setup.Token);
                }).ToList();
                foreach (var (leg, _) in legs.Where(l => l.Leg.Index >= first))
                {
                    pacer.Add(leg.SendFrame);
                }

                await Task.WhenAll(batch);
            }

            // The Chromium legs join the 17 already talking; while they run, /metrics must show 20 legs on the port.
            var chromium = ChromiumLegs.Select(c => RunChromiumAsync(host, c.Library, c.Agent, c.Hz)).ToList();
            var mostLegsSeen = await WatchLegsOnPortAsync(host, Task.WhenAll(chromium));
            var results = await Task.WhenAll(chromium);

            Assert.True(mostLegsSeen >= 20, $"at most {mostLegsSeen} legs were on the port at once");
            for (var i = 0; i < ChromiumLegs.Length; i++)
            {
                var tone = results[i].GetProperty("tone");
                Assert.True(tone.GetProperty("loudWindows").GetInt32() >= 5, $"Chromium leg {i} heard no tone: {results[i]}");
                Assert.InRange(tone.GetProperty("frequencyHz").GetDouble(), ChromiumLegs[i].Hz - 25, ChromiumLegs[i].Hz + 25);
                var stats = results[i].GetProperty("stats");
                Assert.Equal("udp", stats.GetProperty("selectedProtocol").GetString());
                Assert.Equal($"127.0.0.1:{port}", stats.GetProperty("selectedRemoteAddress").GetString());
            }

            var heard = legs.Select(l => (l.Leg, l.Hz, Tone: l.Leg.ReceivedTone)).ToList();
            var table = string.Join(", ", heard.Select(h => $"{h.Leg}: sent {h.Hz} Hz, heard {h.Tone.FrequencyHz} Hz at rms {h.Tone.Rms:F0}"));
            Assert.All(heard, h => Assert.True(h.Tone.Rms > 300 && Math.Abs(h.Tone.FrequencyHz - h.Hz) <= 15, table));

            var metrics = await host.Http.GetStringAsync(new Uri(host.BaseUri, "metrics"));
            Assert.Equal(0, PrometheusText.Value(metrics, "pbxbridge_udp_ports_browser_in_use"));
            Assert.Equal(0, PrometheusText.Value(metrics, "pbxbridge_single_udp_port_handoff_dropped_total"));
        }
        finally
        {
            using var teardown = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            foreach (var (leg, _) in legs)
            {
                pacer.Remove(leg.SendFrame);
                try
                {
                    await leg.HangUpAsync(teardown.Token);
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    // A leg that never came up has nothing to hang up; the assertions above already said why.
                }

                await leg.DisposeAsync();
            }
        }
    }

    private Task<JsonElement> RunChromiumAsync(PbxBridgeProcess host, string library, string agent, double hz)
    {
        var wav = Path.Combine(_folder, $"chromium{hz.ToString(CultureInfo.InvariantCulture)}.wav");
        ToneWav.Write(wav, hz, 30);
        return NodeScenario.RunAsync(
            RepoPaths.BrowserScript("sip", "sip-client.mjs"),
            [
                $"--library={library}",
                $"--url=https://127.0.0.1:{host.Port}",
                $"--agent={agent}",
                $"--password={host.AgentPassword}",
                "--action=call",
                "--dial=600",
                $"--wav={wav}",
                $"--expectHz={hz.ToString(CultureInfo.InvariantCulture)}",
                "--holdMs=5000",
            ],
            ScenarioTimeout);
    }

    /// <summary>The most legs (bound browser addresses) /metrics showed on the single port until <paramref name="until"/> completed.</summary>
    private static async Task<long> WatchLegsOnPortAsync(PbxBridgeProcess host, Task until)
    {
        long most = 0;
        while (!until.IsCompleted)
        {
            var metrics = await host.Http.GetStringAsync(new Uri(host.BaseUri, "metrics"));
            most = Math.Max(most, PrometheusText.Value(metrics, "pbxbridge_single_udp_port_addresses"));
            await Task.WhenAny(until, Task.Delay(250));
        }

        return most;
    }

    private static int FreeUdpPort()
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)probe.LocalEndPoint!).Port;
    }
}
