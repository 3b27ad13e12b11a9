using System.Net;
using System.Text.Json;
using PbxBridge.Browser.Tests.Harness;
using PbxBridge.WebRtc;
using PbxBridge.WebRtc.Srtp;
using Xunit.Abstractions;

namespace PbxBridge.Browser.Tests.WebRtc;

/// <summary>
/// The WebRTC transport against the real peer: headless Debian Chromium 156 connects to a
/// <see cref="WebRtcEndpoint"/> (ICE-lite, DTLS-SRTP via BouncyCastle, our SRTP), its fake microphone's 700 Hz tone
/// is echoed back by the endpoint, and the page measures what returns. Runs in the browser collection (one
/// Chromium at a time); the CI runs this project inside a network namespace with only lo up.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class WebRtcEchoBrowserTests : IDisposable
{
    private readonly string _wav = Path.Combine(Path.GetTempPath(), $"webrtc-echo-{Guid.NewGuid():N}.wav");
    private readonly ITestOutputHelper _output;

    public WebRtcEchoBrowserTests(ITestOutputHelper output)
    {
        _output = output;
        ToneWav.Write(_wav, 700, 8);
    }

    public void Dispose() => File.Delete(_wav);

    [Fact]
    public async Task Chromium_tone_echoed_by_the_endpoint_returns_at_700_Hz_over_AES_CM_SRTP()
    {
        var options = WebRtcOptions.Default(IPAddress.Loopback);
        var (result, leg) = await RunEchoAsync(options, firstUdpPort: 42100);

        Assert.Equal("SRTP_AES128_CM_HMAC_SHA1_80", result.GetProperty("srtpCipher").GetString());
        Assert.Equal("SRTP_AES128_CM_HMAC_SHA1_80", leg.Statistics.SrtpCipher);
    }

    [Fact]
    public async Task Chromium_media_over_AEAD_AES_128_GCM_echoes_the_tone_at_700_Hz()
    {
        var options = WebRtcOptions.Default(IPAddress.Loopback) with { SrtpProfiles = [SrtpProtectionProfile.AeadAes128Gcm] };
        var (result, leg) = await RunEchoAsync(options, firstUdpPort: 42130);

        Assert.Equal("SRTP_AEAD_AES_128_GCM", result.GetProperty("srtpCipher").GetString());
        Assert.Equal("SRTP_AEAD_AES_128_GCM", leg.Statistics.SrtpCipher);
    }

    [Fact]
    public async Task Chromium_ICE_restart_gets_fresh_credentials_and_the_echo_continues()
    {
        var (result, _) = await RunEchoAsync(WebRtcOptions.Default(IPAddress.Loopback), firstUdpPort: 42160, restartIce: true);

        var restart = result.GetProperty("restart");
        Assert.Equal("connected", restart.GetProperty("connectionState").GetString());
        Assert.NotEqual(restart.GetProperty("answerUfragBefore").GetString(), restart.GetProperty("theirUfrag").GetString());
        var tone = restart.GetProperty("tone");
        Assert.True(tone.GetProperty("loudWindows").GetInt32() >= 5, $"no echo after the restart: {restart}");
        Assert.InRange(tone.GetProperty("frequencyHz").GetDouble(), 680, 720);
    }

    /// <summary>
    /// Issue 17 item 3 against real Chromium. Through a NAT (<see cref="UdpNatRelay"/>): an attacker on the path replays
    /// Chromium's Binding request every 40 ms from its own address, then the NAT moves Chromium to a new public port.
    /// The replays must not take the audio, and Chromium's own checks from the new address must bring it there: the
    /// echo, measured after both, is still the tone.
    /// </summary>
    [Fact]
    public async Task Replayed_checks_do_not_take_the_audio_and_Chromiums_own_address_change_keeps_it()
    {
        await using var server = await EchoSignalingServer.StartAsync(WebRtcOptions.Default(IPAddress.Loopback), firstUdpPort: 42190);
        await using var nat = new UdpNatRelay();
        server.RewriteAnswer = nat.Attach;
        var scenario = NodeScenario.RunAsync(
            RepoPaths.BrowserScript("webrtc", "echo-tone.mjs"),
            [$"--url={server.PageUrl}", $"--wav={_wav}", "--settleMs=7000", "--sampleMs=2500"],
            TimeSpan.FromSeconds(90));

        var deadline = DateTime.UtcNow.AddSeconds(60);
        (WebRtcEndpoint Endpoint, EchoObserver Observer) leg;
        // Connected is DTLS done; Chromium may nominate only after its ClientHello, so wait for the nomination too.
        while (!server.Legs.TryPeek(out leg) || !leg.Observer.Connected.Task.IsCompleted || leg.Endpoint.SelectedRemote is null)
        {
            Assert.True(DateTime.UtcNow < deadline && !scenario.IsCompleted, "Chromium never connected through the NAT");
            await Task.Delay(50);
        }

        var before = nat.BackAddress;
        Assert.Equal(before, leg.Endpoint.SelectedRemote);
        await Task.Delay(1000);
        nat.StartReplaying();
        await Task.Delay(2000);
        var duringReplay = leg.Endpoint.SelectedRemote;
        nat.Rebind();
        var result = await scenario;
        var stats = leg.Endpoint.Statistics;
        var context = $"browser: {result}\nendpoint: {stats}\nreplays sent {nat.ReplaysSent}, attacker got {nat.AttackerReceived}";
        _output.WriteLine(context);

        Assert.Equal(before, duringReplay);
        Assert.True(nat.ReplaysSent >= 20, context);
        Assert.True(stats.StunReplayed >= 20, context);
        Assert.Equal(0, nat.AttackerReceived);
        Assert.Equal(nat.BackAddress, stats.SelectedRemote);
        Assert.NotEqual(before, stats.SelectedRemote);
        var tone = result.GetProperty("tone");
        Assert.True(tone.GetProperty("loudWindows").GetInt32() >= 5, $"no echo after the replay and the address change: {context}");
        Assert.InRange(tone.GetProperty("frequencyHz").GetDouble(), 680, 720);
    }

    private async Task<(JsonElement Result, WebRtcEndpoint Leg)> RunEchoAsync(WebRtcOptions options, int firstUdpPort, bool restartIce = false)
    {
        await using var server = await EchoSignalingServer.StartAsync(options, firstUdpPort);

        var result = await NodeScenario.RunAsync(
            RepoPaths.BrowserScript("webrtc", "echo-tone.mjs"),
            [$"--url={server.PageUrl}", $"--wav={_wav}", $"--restartIce={(restartIce ? "true" : "false")}"],
            TimeSpan.FromSeconds(90));

        Assert.True(server.Legs.TryPeek(out var leg), "the page never posted an offer");
        var stats = leg.Endpoint.Statistics;
        var context = $"browser: {result}\nendpoint: {stats}\nclosed: {leg.Observer.ClosedReason}";
        _output.WriteLine(context);
        Assert.True(leg.Observer.Connected.Task.IsCompleted, context);
        Assert.Equal("connected", result.GetProperty("connectionState").GetString());
        Assert.Equal("connected", result.GetProperty("dtlsState").GetString());
        Assert.Equal("client", result.GetProperty("dtlsRole").GetString());
        Assert.Equal("FEFD", result.GetProperty("tlsVersion").GetString());
        Assert.Equal("controlling", result.GetProperty("iceRole").GetString());
        Assert.Equal("audio/opus", result.GetProperty("inbound").GetProperty("codec").GetString());
        Assert.Equal("audio/opus", result.GetProperty("outbound").GetProperty("codec").GetString());
        Assert.True(result.GetProperty("selectedPair").GetProperty("nominated").GetBoolean(), context);

        var tone = result.GetProperty("tone");
        Assert.True(tone.GetProperty("loudWindows").GetInt32() >= 5, $"echo too quiet or absent: {context}");
        Assert.InRange(tone.GetProperty("frequencyHz").GetDouble(), 680, 720);

        Assert.True(stats.RtpPacketsDelivered >= 50, context);
        Assert.True(stats.RtpPacketsSent >= 50, context);
        Assert.Equal(0, stats.SrtpAuthenticationFailures);
        // After an ICE restart too, every check Chromium sent verified with the credentials of the moment.
        Assert.Equal(0, stats.StunBadIntegrity);
        Assert.Equal(0, stats.StunErrorResponses);
        Assert.Equal("server", stats.DtlsRole);
        Assert.Equal(IPAddress.Loopback, stats.SelectedRemote?.Address);
        return (result, leg.Endpoint);
    }
}
