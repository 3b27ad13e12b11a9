using System.Globalization;
using System.Text.Json;
using PbxBridge.Browser.Tests.Harness;

namespace PbxBridge.Browser.Tests.Network;

/// <summary>
/// Issue 23: an agent whose network lets out neither UDP nor any TCP port of PbxBridge's media, only the HTTPS port
/// (signalling) and coturn's TLS port. The page takes its TURN credentials from PbxBridge (GET /api/ice-servers,
/// TURN REST API shared secret) and the call goes through a real coturn: Chromium's selected local candidate is a
/// relay, over TLS, and the echo comes back at 700 Hz.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class TurnTests : IDisposable
{
    private const string SharedSecret = "pbxbridge-test-turn-secret";
    private static readonly TimeSpan ScenarioTimeout = TimeSpan.FromSeconds(120);
    private readonly string microphoneWav = Path.Combine(Path.GetTempPath(), $"turn-mic-{Guid.NewGuid():N}.wav");

    public TurnTests() => ToneWav.Write(microphoneWav, 700, 20);

    public void Dispose() => File.Delete(microphoneWav);

    [Theory]
    [InlineData("jssip")]
    [InlineData("sipjs")]
    public async Task With_only_the_https_port_and_coturns_tls_port_open_the_call_goes_through_the_relay(string library)
    {
        await using var network = await BrowserNetwork.CreateAsync();
        await using var coturn = await Coturn.StartAsync(network.HostAddress, SharedSecret);
        var iceTcpPort = FreeTcpPort.Next();
        await using var host = await PbxBridgeProcess.StartAsync(extraArgs:
        [
            "--Http:ListenAddress=0.0.0.0",
            $"--Media:PublicAddress={network.HostAddress}",
            $"--Media:IceTcpPort={iceTcpPort}",
            $"--Media:TurnUrls:0=turns:{network.HostAddress}:{coturn.TlsPort}?transport=tcp",
            $"--Media:TurnSharedSecret={SharedSecret}",
        ]);
        await network.ApplyNftablesAsync(
            $$"""
            table inet pbxbridge_test {
              chain output {
                type filter hook output priority 0; policy accept;
                ip daddr {{network.HostAddress}} meta l4proto udp counter drop
                ip daddr {{network.HostAddress}} tcp dport { {{host.Port}}, {{coturn.TlsPort}} } accept
                ip daddr {{network.HostAddress}} meta l4proto tcp counter drop
              }
            }
            """);

        var result = await NodeScenario.RunAsync(
            RepoPaths.BrowserScript("sip", "sip-client.mjs"),
            [
                $"--library={library}",
                $"--url=https://{network.HostAddress}:{host.Port}",
                "--agent=1001",
                $"--password={host.AgentPassword}",
                "--action=call",
                "--dial=600",
                $"--wav={microphoneWav}",
                "--turn=true",
            ],
            ScenarioTimeout,
            network.Name);

        var tone = result.GetProperty("tone");
        Assert.True(tone.GetProperty("loudWindows").GetInt32() >= 5, $"no audible tone came back: {result}\n--- coturn ---\n{coturn.Output}");
        Assert.InRange(tone.GetProperty("frequencyHz").GetDouble(), 680, 720);
        var stats = result.GetProperty("stats");
        Assert.Equal("relay", stats.GetProperty("selectedLocalType").GetString());
        Assert.Equal("tls", stats.GetProperty("selectedLocalRelayProtocol").GetString());
        var rules = await network.ListNftablesAsync();
        var dropped = System.Text.RegularExpressions.Regex.Matches(rules, @"counter packets (\d+)").Sum(m => long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture));
        Assert.True(dropped > 0, $"Chromium never tried a direct path, so the test proves nothing:\n{rules}");
        Assert.True(await host.WaitForMetricAsync("pbxbridge_calls_by_media_transport_total{transport=\"relay\"} 1"), "the call was not counted as relayed");
    }

    [Fact]
    public async Task Turn_credentials_are_only_for_an_agent_and_follow_the_turn_rest_api()
    {
        await using var host = await PbxBridgeProcess.StartAsync(extraArgs:
        [
            "--Media:TurnUrls:0=turn:turn.example.com:3478",
            $"--Media:TurnSharedSecret={SharedSecret}",
        ]);
        using var anonymous = await host.Http.GetAsync(new Uri(host.BaseUri, "api/ice-servers"));
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, anonymous.StatusCode);

        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(host.BaseUri, "api/ice-servers"));
        request.Headers.Authorization = new("Basic", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"1001:{host.AgentPassword}")));
        using var reply = await host.Http.SendAsync(request);
        reply.EnsureSuccessStatusCode();
        var server = JsonDocument.Parse(await reply.Content.ReadAsStringAsync()).RootElement.GetProperty("iceServers")[0];
        var username = server.GetProperty("username").GetString()!;
        Assert.EndsWith(":1001", username, StringComparison.Ordinal);
        var expiry = long.Parse(username.Split(':')[0], CultureInfo.InvariantCulture);
        Assert.InRange(expiry - DateTimeOffset.UtcNow.ToUnixTimeSeconds(), 43000, 43300);
        var expected = Convert.ToBase64String(System.Security.Cryptography.HMACSHA1.HashData(
            System.Text.Encoding.UTF8.GetBytes(SharedSecret), System.Text.Encoding.UTF8.GetBytes(username)));
        Assert.Equal(expected, server.GetProperty("credential").GetString());
    }

    /// <summary>Wrong passwords on the ICE servers endpoint count like failed SIP digests (Limits:AuthFailures, 3 here):
    /// past the limit even the right password gets 429 with Retry-After until the address is forgiven.</summary>
    [Fact]
    public async Task Wrong_passwords_are_throttled_like_sip_digests_with_429_and_retry_after()
    {
        await using var host = await PbxBridgeProcess.StartAsync(extraArgs:
        [
            "--Media:TurnUrls:0=turn:turn.example.com:3478",
            $"--Media:TurnSharedSecret={SharedSecret}",
            "--Limits:AuthFailures=3",
        ]);

        async Task<HttpResponseMessage> AskAsync(string password)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(host.BaseUri, "api/ice-servers"));
            request.Headers.Authorization = new("Basic", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"1001:{password}")));
            return await host.Http.SendAsync(request);
        }

        for (var i = 0; i < 3; i++)
        {
            using var wrong = await AskAsync("not-the-password");
            Assert.Equal(System.Net.HttpStatusCode.Unauthorized, wrong.StatusCode);
        }

        using var throttled = await AskAsync(host.AgentPassword);
        Assert.Equal(System.Net.HttpStatusCode.TooManyRequests, throttled.StatusCode);
        Assert.True(throttled.Headers.RetryAfter?.Delta > TimeSpan.Zero, "429 without a Retry-After");
    }
}
