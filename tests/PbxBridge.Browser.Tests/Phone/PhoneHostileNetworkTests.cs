using System.Globalization;
using System.Text.Json;
using PbxBridge.Browser.Tests.Harness;

namespace PbxBridge.Browser.Tests.Phone;

/// <summary>
/// Issue 23 on the /phone page, with Chromium in a network namespace of its own whose nftables the test sets: the
/// network check before the first call says in words which path audio will take (here: UDP dropped, so TCP on the
/// HTTPS port), and the call then does take it; and a call survives the agent's address changing mid-call with the
/// page reconnecting, re-registering and moving the call by itself (nothing in the scenario tells it to), while the
/// PBX keeps one call and sees no re-INVITE.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class PhoneHostileNetworkTests : IDisposable
{
    private readonly string microphoneWav = Path.Combine(Path.GetTempPath(), $"phone-net-mic-{Guid.NewGuid():N}.wav");

    public PhoneHostileNetworkTests() => ToneWav.Write(microphoneWav, 700, 60);

    public void Dispose() => File.Delete(microphoneWav);

    [Fact]
    public async Task With_udp_dropped_the_check_says_tcp_and_the_call_carries_audio_over_tcp_on_the_https_port()
    {
        await using var network = await BrowserNetwork.CreateAsync();
        await network.ApplyNftablesAsync(
            $$"""
            table inet pbxbridge_test {
              chain output {
                type filter hook output priority 0; policy accept;
                ip daddr {{network.HostAddress}} meta l4proto udp counter drop
              }
            }
            """);
        await using var host = await PbxBridgeProcess.StartAsync(extraArgs:
        [
            "--Http:ListenAddress=0.0.0.0",
            $"--Media:PublicAddress={network.HostAddress}",
            "--Media:IceTcpOnHttpsPort=true",
        ]);

        var result = await PhoneScenario.RunInAsync(
            host, network.Name, "hostile-network.mjs",
            $"--url=https://{network.HostAddress}:{host.Port}/phone/", "--agent=1001", $"--password={host.AgentPassword}",
            "--action=check-and-call", "--number=600", $"--wav={microphoneWav}");

        var check = result.GetProperty("check").GetProperty("networkCheck");
        Assert.Equal("tcp", check.GetProperty("path").GetString());
        Assert.False(check.GetProperty("udp").GetBoolean(), $"UDP is dropped, yet the check says it worked: {check}");
        var expected = $"UDP is blocked; audio will go over TCP port {host.Port}.";
        Assert.Equal(expected, check.GetProperty("text").GetString());
        Assert.Equal($"Network: {expected}", result.GetProperty("check").GetProperty("shownNetwork").GetString());

        AssertHears(result.GetProperty("tone"), 700);
        var path = result.GetProperty("inCall").GetProperty("mediaPath");
        Assert.Equal("tcp", path.GetProperty("path").GetString());
        Assert.Equal(host.Port, path.GetProperty("port").GetInt32());
        var rules = await network.ListNftablesAsync();
        var dropped = System.Text.RegularExpressions.Regex.Match(rules, @"udp counter packets (\d+)");
        Assert.True(dropped.Success && long.Parse(dropped.Groups[1].Value, CultureInfo.InvariantCulture) > 0, $"Chromium never tried UDP, so the test proves nothing:\n{rules}");
        Assert.True(await host.WaitForMetricAsync("pbxbridge_calls_by_media_transport_total{transport=\"tcp\"} 1"), "the call was not counted as carried over ICE-TCP");
    }

    [Fact]
    public async Task With_udp_open_the_check_says_udp_works()
    {
        await using var network = await BrowserNetwork.CreateAsync();
        await using var host = await PbxBridgeProcess.StartAsync(extraArgs:
        [
            "--Http:ListenAddress=0.0.0.0",
            $"--Media:PublicAddress={network.HostAddress}",
            "--Media:IceTcpOnHttpsPort=true",
        ]);

        var result = await PhoneScenario.RunInAsync(
            host, network.Name, "hostile-network.mjs",
            $"--url=https://{network.HostAddress}:{host.Port}/phone/", "--agent=1001", $"--password={host.AgentPassword}",
            "--action=check-and-call", "--number=600", $"--wav={microphoneWav}");

        var check = result.GetProperty("check").GetProperty("networkCheck");
        Assert.Equal("udp", check.GetProperty("path").GetString());
        Assert.Equal("Audio over UDP works.", check.GetProperty("text").GetString());
        AssertHears(result.GetProperty("tone"), 700);
        Assert.Equal("udp", result.GetProperty("inCall").GetProperty("mediaPath").GetProperty("path").GetString());
    }

    /// <summary>Neither UDP nor PbxBridge's TCP media port gets out, only the HTTPS port and coturn's TLS port: the page's
    /// TURN credentials from /api/ice-servers are what makes the call work at all, and the check says so.</summary>
    [Fact]
    public async Task With_only_the_https_port_and_coturns_tls_port_open_the_check_says_relay_and_the_call_goes_through_it()
    {
        const string secret = "pbxbridge-phone-turn-secret";
        await using var network = await BrowserNetwork.CreateAsync();
        await using var coturn = await Coturn.StartAsync(network.HostAddress, secret);
        var iceTcpPort = FreeTcpPort.Next();
        await using var host = await PbxBridgeProcess.StartAsync(extraArgs:
        [
            "--Http:ListenAddress=0.0.0.0",
            $"--Media:PublicAddress={network.HostAddress}",
            $"--Media:IceTcpPort={iceTcpPort}",
            $"--Media:TurnUrls:0=turns:{network.HostAddress}:{coturn.TlsPort}?transport=tcp",
            $"--Media:TurnSharedSecret={secret}",
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

        var result = await PhoneScenario.RunInAsync(
            host, network.Name, "hostile-network.mjs",
            $"--url=https://{network.HostAddress}:{host.Port}/phone/", "--agent=1001", $"--password={host.AgentPassword}",
            "--action=check-and-call", "--number=600", $"--wav={microphoneWav}");

        var check = result.GetProperty("check").GetProperty("networkCheck");
        Assert.Equal("relay", check.GetProperty("path").GetString());
        Assert.False(check.GetProperty("udp").GetBoolean() || check.GetProperty("tcp").GetBoolean(), $"only the relay can work here: {check}");
        Assert.Equal(
            "Only the relay works: UDP and TCP to the server are blocked, so audio will go through the TURN server over TLS.",
            check.GetProperty("text").GetString());
        AssertHears(result.GetProperty("tone"), 700);
        var path = result.GetProperty("inCall").GetProperty("mediaPath");
        Assert.Equal("relay", path.GetProperty("path").GetString());
        Assert.Equal("tls", path.GetProperty("relayProtocol").GetString());
        Assert.True(await host.WaitForMetricAsync("pbxbridge_calls_by_media_transport_total{transport=\"relay\"} 1"), "the call was not counted as relayed");
    }

    [Fact]
    public async Task Mid_call_address_change_the_page_reconnects_by_itself_and_the_call_goes_on_with_one_pbx_call()
    {
        await using var network = await BrowserNetwork.CreateAsync();
        await using var host = await PbxBridgeProcess.StartAsync(extraArgs:
        [
            "--Http:ListenAddress=0.0.0.0",
            $"--Media:PublicAddress={network.HostAddress}",
        ]);

        var result = await PhoneScenario.RunInAsync(
            host, network.Name, "hostile-network.mjs",
            $"--url=https://{network.HostAddress}:{host.Port}/phone/", "--agent=1001", $"--password={host.AgentPassword}",
            "--action=network-change", "--number=600", $"--wav={microphoneWav}",
            $"--oldAddress={network.BrowserAddress}", $"--newAddress=10.{network.Subnet}.0.3");

        AssertHears(result.GetProperty("before").GetProperty("tone"), 700);
        var seen = result.GetProperty("seen").EnumerateArray().ToList();
        Assert.Contains(seen, s => s.GetProperty("recovery").GetString() == "reconnecting"
            && s.GetProperty("notice").GetString() == "Connection lost; your call is kept while the phone reconnects…");
        var after = result.GetProperty("after");
        var phone = after.GetProperty("phone");
        Assert.Equal("in-call", phone.GetProperty("state").GetString());
        Assert.Equal("recovered", phone.GetProperty("recovery").GetProperty("state").GetString());
        Assert.Equal(1, phone.GetProperty("recovery").GetProperty("survived").GetInt32());
        Assert.Equal("Reconnected: the call went on.", phone.GetProperty("notice").GetString());
        AssertHears(after.GetProperty("tone"), 700);

        var metrics = await host.Http.GetStringAsync(new Uri(host.BaseUri, "metrics"));
        Assert.Equal(1, PrometheusText.Value(metrics, "pbxbridge_sip_reconnects_survived_total"));
        // One call toward the PBX from start to end: the reconnect made no second one, and no re-INVITE went there.
        Assert.Equal(1, PrometheusText.Value(metrics, "pbxbridge_calls_started_total"));
        Assert.Contains("came back on a new connection", host.Output, StringComparison.Ordinal);
    }

    private static void AssertHears(JsonElement tone, double expectedHz)
    {
        Assert.True(tone.GetProperty("toneWindows").GetInt32() >= 5, $"the incoming meter saw no steady tone: {tone}");
        Assert.InRange(tone.GetProperty("frequencyHz").GetDouble(), expectedHz - 20, expectedHz + 20);
    }
}
