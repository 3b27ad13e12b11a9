using System.Net;
using PbxBridge.Tests.Cli;
using PbxBridge.Tests.Support;

namespace PbxBridge.Tests.Security;

/// <summary>Issue 17 item 7: loopback is not trusted by default (a same-host proxy makes everyone loopback); the service
/// writes a token only its user can read, the CLI sends it without being told; `bearer` in any case is accepted.</summary>
public sealed class AdminAccessTests
{
    [Fact]
    public async Task Loopback_without_a_token_is_refused_and_the_cli_uses_the_token_file_of_the_state_directory()
    {
        await using var service = await ServiceProcess.StartAsync("--Http:AdminToken=configured-remote-token");
        using var anonymous = service.NewHttpClient();

        Assert.Equal(HttpStatusCode.Forbidden, (await anonymous.GetAsync(new Uri("api/agents", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await anonymous.GetAsync(new Uri("metrics", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await anonymous.PostAsync(new Uri("api/diagnostics/heap", UriKind.Relative), null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, await GetAsync(service, "api/agents", "bearer configured-remote-token"));
        Assert.Equal(HttpStatusCode.OK, await GetAsync(service, "api/agents", "BEARER configured-remote-token"));
        Assert.Equal(HttpStatusCode.Forbidden, await GetAsync(service, "api/agents", "Basic configured-remote-token"));
        Assert.Equal(HttpStatusCode.Forbidden, await GetAsync(service, "api/agents", "Bearer wrong"));

        var (exit, output, _) = await PbxBridgeCli.RunInStateAsync(TimeSpan.FromSeconds(60), service.StateDirectory,
            "agents", $"--Http:Port={service.Port}");
        Assert.True(exit == 0, $"pbxbridge agents exited {exit}: {output}");
        (exit, output, _) = await PbxBridgeCli.RunInStateAsync(TimeSpan.FromSeconds(60), service.StateDirectory,
            "calls", "--json", $"--Http:Port={service.Port}");
        Assert.True(exit == 0, $"pbxbridge calls exited {exit}: {output}");

        // The five refusals above are counted (read with the token, which itself is not refused).
        Assert.Equal(5, await service.MetricAsync("pbxbridge_admin_requests_refused_total"));
    }

    [Fact]
    public async Task Trusting_loopback_is_a_setting()
    {
        await using var bridge = await InProcessPbxBridge.StartAsync("--Http:TrustLoopback=true");
        using var anonymous = bridge.NewHttpClient();

        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync(new Uri("api/agents", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync(new Uri("metrics", UriKind.Relative))).StatusCode);
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task The_state_directory_is_created_0700_and_the_token_and_the_log_files_are_0600()
    {
        await using var service = await ServiceProcess.StartAsync();

        var rwxOwner = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
        var rwOwner = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        Assert.Equal(rwxOwner, File.GetUnixFileMode(service.StateDirectory));
        Assert.Equal(rwxOwner, File.GetUnixFileMode(Path.Combine(service.StateDirectory, "logs")));
        Assert.Equal(rwOwner, File.GetUnixFileMode(Path.Combine(service.StateDirectory, "admin-token")));
        var logs = Directory.GetFiles(Path.Combine(service.StateDirectory, "logs"));
        Assert.NotEmpty(logs);
        Assert.All(logs, f => Assert.Equal(rwOwner, File.GetUnixFileMode(f)));
    }

    private static async Task<HttpStatusCode> GetAsync(ServiceProcess service, string path, string authorization)
    {
        using var http = service.NewHttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(path, UriKind.Relative));
        request.Headers.TryAddWithoutValidation("Authorization", authorization);
        using var response = await http.SendAsync(request);
        return response.StatusCode;
    }
}
