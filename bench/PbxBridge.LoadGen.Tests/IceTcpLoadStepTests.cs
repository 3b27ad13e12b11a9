using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using PbxBridge.Browser.Simulator.Media;
using PbxBridge.Browser.Simulator.WebRtc;
using PbxBridge.Testing;

namespace PbxBridge.LoadGen.Tests;

/// <summary>
/// The load generator's ICE-TCP legs (bench/loadgen.sh --transport tcp) at CI size: against the built PbxBridge with
/// ICE-TCP on its HTTPS port, two legs set up over RFC 4571-framed TCP, carry Opus both ways through the demo echo,
/// and PbxBridge itself counts both calls as carried over TCP, so the figures the bench publishes for TCP are TCP's.
/// </summary>
public sealed class IceTcpLoadStepTests
{
    [Fact]
    public async Task Two_legs_over_ice_tcp_on_the_https_port_carry_media_both_ways_and_are_counted_as_tcp()
    {
        var state = Directory.CreateTempSubdirectory("pbxbridge-loadgen-tcp-").FullName;
        try
        {
            var options = LoadGenOptions.Parse(
            [
                "--pbx", "demo", "--transport", "tcp", "--calls", "2", "--hold", "2",
                "--port", FreeTcpPort().ToString(CultureInfo.InvariantCulture), "--state-dir", state,
            ]);
            Assert.Equal(["--Media:IceTcpOnHttpsPort=true"], options.IceTcpArguments);
            using var pacer = new MediaPacer();
            await using var bridge = await PbxBridgeProcess.StartAsync(
                RepoPaths.PbxBridgeDll, options.Port, options.PbxBridgeMediaPorts, 2, options.OpusComplexity, state, [], options.IceTcpArguments);
            var step = new PbxBridgeLoadStep(bridge, ClientCertificate.Generate(), OpusFrameSource.Create(null, seconds: 2), pacer, options, asterisk: null);

            var result = await step.RunAsync(2, TimeSpan.FromSeconds(2), "tcp", CancellationToken.None).WaitAsync(TimeSpan.FromMinutes(2));

            Assert.True(result.Failed == 0, string.Join("\n", result.Failures) + File.ReadAllText(bridge.LogPath));
            Assert.Equal("pbxbridge-tcp", result.Target);
            Assert.Equal(2, result.Established);
            // 2 legs x 2 s x 50 packets/s go out, and the echo brings most back (the first frames precede the answer).
            Assert.True(result.PacketsReceived > 100, $"only {result.PacketsReceived} packets came back over ICE-TCP");
            Assert.Equal(2, await CallsCarriedOverAsync(bridge, state, "tcp"));
        }
        finally
        {
            Directory.Delete(state, recursive: true);
        }
    }

    [Fact]
    public void Transports_are_udp_tcp_or_both_and_a_dedicated_port_is_passed_on()
    {
        Assert.Equal(["udp"], LoadGenOptions.Parse([]).Transports);
        Assert.Empty(LoadGenOptions.Parse([]).IceTcpArguments);
        var both = LoadGenOptions.Parse(["--transport", "udp,tcp", "--ice-tcp-port", "45443"]);
        Assert.Equal(["udp", "tcp"], both.Transports);
        Assert.Equal(["--Media:IceTcpPort=45443"], both.IceTcpArguments);
        Assert.Throws<ArgumentException>(() => LoadGenOptions.Parse(["--transport", "sctp"]));
        Assert.Throws<ArgumentException>(() => LoadGenOptions.Parse(["--ice-tcp-port", "80"]));
    }

    private static async Task<long> CallsCarriedOverAsync(PbxBridgeProcess bridge, string state, string transport)
    {
        using var http = new HttpClient(new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, _, _, _) => true })
        {
            BaseAddress = bridge.BaseUri,
        };
        http.DefaultRequestHeaders.Authorization = new("Bearer", (await File.ReadAllTextAsync(Path.Combine(state, "admin-token"))).Trim());
        var deadline = DateTime.UtcNow.AddSeconds(10);
        long value = 0;
        while (DateTime.UtcNow < deadline)
        {
            var metrics = await http.GetStringAsync(new Uri("metrics", UriKind.Relative));
            var match = Regex.Match(metrics, $"^pbxbridge_calls_by_media_transport_total\\{{transport=\"{transport}\"\\}} (\\d+)$", RegexOptions.Multiline);
            value = match.Success ? long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
            if (value >= 2)
            {
                break;
            }

            await Task.Delay(200);
        }

        return value;
    }

    private static int FreeTcpPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
