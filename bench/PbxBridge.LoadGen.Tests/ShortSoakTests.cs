using System.Globalization;
using System.Net;
using System.Net.Sockets;
using PbxBridge.Browser.Simulator.Media;
using PbxBridge.Browser.Simulator.WebRtc;
using PbxBridge.LoadGen.Soak;
using PbxBridge.Testing;
using Xunit.Abstractions;

namespace PbxBridge.LoadGen.Tests;

/// <summary>
/// The soak of bench/soak.sh at CI size: the built PbxBridge (demo PBX) takes 40 sequential and 4 concurrent real
/// WebRTC calls from the load generator's legs (SIP/WSS, ICE, DTLS-SRTP, Opus) and must end where its warm, idle
/// baseline was: same open fds and UDP sockets, the heap after a full GC within 10 % (or 512 KiB), every gauge of
/// calls, WebSockets, dialogs, transactions, registrations and ports back to 0. It does not wait the 20 s the
/// thread pool takes to retire idle workers, so threads get a slack of 6 instead of 2.
/// </summary>
public sealed class ShortSoakTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Forty_sequential_and_four_concurrent_calls_leave_no_fd_socket_heap_or_call_state_behind()
    {
        var state = Directory.CreateTempSubdirectory("pbxbridge-soak-").FullName;
        try
        {
            var options = LoadGenOptions.Parse(
            [
                "--mode", "soak", "--sequential", "40", "--concurrent", "4", "--hold", "2", "--call-hold-ms", "100",
                "--warmup", "5", "--settle", "1", "--idle-timeout", "10", "--thread-slack", "6", "--tolerance", "0.10",
                "--port", FreeTcpPort().ToString(CultureInfo.InvariantCulture), "--state-dir", state,
            ]);
            using var pacer = new MediaPacer();
            await using var bridge = await PbxBridgeProcess.StartAsync(
                RepoPaths.PbxBridgeDll, options.Port, options.PbxBridgeMediaPorts, options.SoakConcurrent, options.OpusComplexity, state, []);
            var soak = new SoakRun(bridge, ClientCertificate.Generate(), OpusFrameSource.Create(null, seconds: 2), pacer, options, output.WriteLine);

            var result = await soak.RunAsync(CancellationToken.None).WaitAsync(TimeSpan.FromMinutes(3));

            output.WriteLine(result.Table());
            Assert.True(result.Passed, result.Table() + File.ReadAllText(bridge.LogPath));
        }
        finally
        {
            Directory.Delete(state, recursive: true);
        }
    }

    private static int FreeTcpPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
