using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace PbxBridge.Tests.Cli;

public sealed class GracefulShutdownTests
{
    [Fact]
    public async Task Sigterm_stops_the_service_cleanly_with_exit_code_0()
    {
        var port = FreePort();
        var state = Directory.CreateTempSubdirectory("pbxbridge-term-").FullName;
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { PbxBridgeCli.Dll, "run", $"--Http:Port={port}", $"--State:Directory={state}", "--Demo:AgentPassword=x" })
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        try
        {
            using var http = new HttpClient(new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, _, _, _) => true });
            var healthy = false;
            for (var i = 0; i < 300 && !healthy && !process.HasExited; i++)
            {
                try
                {
                    healthy = (await http.GetAsync(new Uri($"https://127.0.0.1:{port}/healthz"))).IsSuccessStatusCode;
                }
                catch (HttpRequestException)
                {
                    await Task.Delay(100);
                }
            }

            Assert.True(healthy, "the service never answered /healthz");
            using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync();
            }

            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
            Assert.Equal(0, process.ExitCode);
            Assert.Contains("PbxBridge stopped", await output + await errors, StringComparison.Ordinal);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            Directory.Delete(state, recursive: true);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
