using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using PbxBridge.Sip.Tests.Support;

namespace PbxBridge.Sip.Tests.Interop;

/// <summary>The real JsSIP and SIP.js libraries (node, global WebSocket) register and unregister against the stack
/// through Kestrel: their own Via checks, digest code and Contact matching decide, not our imitation of them.</summary>
public sealed class RealClientRegistrationTests : IAsyncLifetime
{
    private readonly SipStack _stack = new(new SipStackOptions(), new TestAgents(), new RecordingCallHandler(), NullLogger<SipStack>.Instance);
    private WebApplication? _app;
    private string? _url;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        _app = builder.Build();
        _app.UseWebSockets();
        _app.Map("/sip", async (HttpContext context) =>
        {
            using var socket = await context.WebSockets.AcceptWebSocketAsync("sip");
            await _stack.RunWebSocketAsync(socket, new IPEndPoint(context.Connection.RemoteIpAddress!, context.Connection.RemotePort), context.RequestAborted);
        });
        await _app.StartAsync();
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        _url = address.Replace("http://", "ws://", StringComparison.Ordinal) + "/sip";
    }

    public async Task DisposeAsync()
    {
        await _app!.StopAsync();
        await _app.DisposeAsync();
        _stack.Dispose();
    }

    private static string NodeModules()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !Directory.Exists(Path.Combine(dir.FullName, "tests", "browser", "node_modules", "jssip")))
        {
            dir = dir.Parent;
        }

        Assert.NotNull(dir);
        return Path.Combine(dir!.FullName, "tests", "browser", "node_modules");
    }

    private async Task<List<JsonElement>> RunAsync(string library, string password)
    {
        var script = Path.Combine(AppContext.BaseDirectory, "Interop", "register-interop.mjs");
        var psi = new ProcessStartInfo("node", ["--experimental-websocket", "--no-warnings", script, _url!, library, password, NodeModules()])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await process.WaitForExitAsync(timeout.Token);
        var lines = (await stdout).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(process.ExitCode == 0 && Environment.GetEnvironmentVariable("SIP_INTEROP_DEBUG") is null, "node exited " + process.ExitCode + ": " + await stdout + await stderr);
        return lines.Where(l => l.StartsWith('{')).Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList();
    }

    [Theory]
    [InlineData("jssip")]
    [InlineData("sipjs")]
    public async Task Library_registers_with_digest_and_unregisters(string library)
    {
        var events = await RunAsync(library, TestAgents.PasswordOf("1001"));

        Assert.Equal(["registered", "unregistered"], events.Select(e => e.GetProperty("event").GetString()));
        Assert.Equal(0, _stack.Counters.AuthFailures);
        Assert.Equal(0, _stack.Counters.ParseFailures);
        for (var i = 0; i < 100 && (_stack.Registrations.Count > 0 || _stack.Counters.Connections > 0); i++)
        {
            await Task.Delay(20);
        }

        Assert.Empty(_stack.Registrations);
        Assert.Equal(0, _stack.Counters.Connections);
    }

    [Theory]
    [InlineData("jssip")]
    [InlineData("sipjs")]
    public async Task Library_with_a_wrong_password_is_refused(string library)
    {
        var events = await RunAsync(library, "not-the-password");

        var failed = Assert.Single(events);
        Assert.Equal("registrationFailed", failed.GetProperty("event").GetString());
        Assert.Equal(401, failed.GetProperty("status").GetInt32());
        Assert.Equal(1, _stack.Counters.AuthFailures);
        Assert.Empty(_stack.Registrations);
    }
}
