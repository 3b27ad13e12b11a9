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
using PbxBridge.Sip.Tests.Calls;
using PbxBridge.Sip.Tests.Support;

namespace PbxBridge.Sip.Tests.Interop;

/// <summary>Real JsSIP 3.13 and SIP.js 0.21 place and receive calls through the stack (node; media stands in): their
/// own transaction layers, Via and tag checks, ACK, BYE, INFO DTMF and session-timer code talk to ours.</summary>
public sealed class RealClientCallTests : IAsyncLifetime
{
    private readonly RecordingCallHandler _handler = new();
    private readonly SipStack _stack;
    private WebApplication? _app;
    private string? _url;

    public RealClientCallTests()
    {
        _stack = new SipStack(new SipStackOptions(), new TestAgents(), _handler, NullLogger<SipStack>.Instance);
    }

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

    private Process Start(string mode, string script = "jssip-call-interop.mjs")
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !Directory.Exists(Path.Combine(dir.FullName, "tests", "browser", "node_modules", "jssip")))
        {
            dir = dir.Parent;
        }

        Assert.NotNull(dir);
        var psi = new ProcessStartInfo("node", ["--experimental-websocket", "--no-warnings", Path.Combine(AppContext.BaseDirectory, "Interop", script), _url!, mode, TestAgents.PasswordOf("1001"),
            Path.Combine(dir!.FullName, "tests", "browser", "node_modules")])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        return Process.Start(psi)!;
    }

    private static async Task<List<JsonElement>> FinishAsync(Process process)
    {
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await process.WaitForExitAsync(timeout.Token);
        Assert.True(process.ExitCode == 0, "node exited " + process.ExitCode + ": " + await stdout + await stderr);
        return (await stdout).Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.StartsWith('{'))
            .Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList();
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var i = 0; i < 400 && !condition(); i++)
        {
            await Task.Delay(25);
        }

        Assert.True(condition());
    }

    [Fact]
    public async Task JsSip_calls_hears_ringing_is_answered_sends_info_dtmf_and_hangs_up()
    {
        var digits = new List<char>();
        SipCallEnd? ended = null;
        _handler.OnCall = c =>
        {
            c.DtmfInfo += (d, _) => digits.Add(d);
            c.Ended += e => ended = e;
            c.SendRinging();
            c.Accept(SipIncomingCallTests.Answer);
        };

        using var node = Start("outgoing");
        var events = await FinishAsync(node);

        Assert.Equal(["registered", "progress", "accepted", "confirmed", "ended"], events.Select(e => e.GetProperty("event").GetString()));
        Assert.Equal(180, events[1].GetProperty("status").GetInt32());
        Assert.Equal("local", events[4].GetProperty("originator").GetString());
        Assert.Equal("600", Assert.Single(_handler.Calls).Destination);
        Assert.Equal(['5'], digits);
        Assert.Equal(SipCallEndReason.RemoteBye, ended!.Reason);
        await WaitUntilAsync(() => _stack.Counters.Connections == 0);
        Assert.Equal(0, _stack.Counters.Dialogs);
        Assert.Equal(0, _stack.Counters.Transactions);
        Assert.Equal(0, _stack.Counters.Timers);
        Assert.Equal(0, _stack.Counters.ParseFailures);

        // A real client's whole session stays inside the default message rate.
        Assert.Equal(0, _stack.Counters.MessagesRateLimited);
    }

    [Fact]
    public async Task JsSip_answers_a_call_to_the_agent_and_gets_our_bye()
    {
        using var node = Start("incoming");
        await WaitUntilAsync(() => _stack.Registrations.Count == 1);

        var call = _stack.InviteAgent("1001", "601", "Tone 601", SipIncomingCallTests.Answer);
        Assert.NotNull(call);
        var answered = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        call!.Answered += sdp => answered.TrySetResult(sdp);
        Assert.Contains("m=audio", await answered.Task.WaitAsync(TimeSpan.FromSeconds(10)), StringComparison.Ordinal);
        await Task.Delay(300);
        call.Hangup();
        var events = await FinishAsync(node);

        // JsSIP answers our INVITE with 180 itself ("progress", status 0 as it is its own response), then 200.
        Assert.Equal(["registered", "incoming", "progress", "accepted", "confirmed", "ended"], events.Select(e => e.GetProperty("event").GetString()));
        Assert.Equal("601", events[1].GetProperty("from").GetString());
        Assert.Equal("Tone 601", events[1].GetProperty("display").GetString());
        Assert.Equal("remote", events[5].GetProperty("originator").GetString());
        await WaitUntilAsync(() => _stack.Counters.Connections == 0 && _stack.Counters.Transactions == 0);
        Assert.Equal(0, _stack.Counters.Dialogs);
        Assert.Equal(0, _stack.Counters.Timers);
    }

    [Fact]
    public async Task SipJs_calls_is_answered_sends_info_dtmf_and_hangs_up()
    {
        var digits = new List<char>();
        SipCallEnd? ended = null;
        _handler.OnCall = c =>
        {
            c.DtmfInfo += (d, _) => digits.Add(d);
            c.Ended += e => ended = e;
            c.SendRinging();
            c.Accept(SipIncomingCallTests.Answer);
        };

        using var node = Start("outgoing", "sipjs-call-interop.mjs");
        var events = await FinishAsync(node);

        // SIP.js reports onAccept asynchronously, so only the first two and the last event have a fixed place.
        var names = events.Select(e => e.GetProperty("event").GetString()).ToList();
        Assert.Equal(["accepted", "ended", "established", "info-sent", "progress", "registered"], names.Order());
        Assert.Equal(["registered", "progress"], names.Take(2));
        Assert.Equal("ended", names[^1]);
        Assert.Equal(180, events[1].GetProperty("status").GetInt32());
        Assert.Equal(['7'], digits);
        Assert.Equal(SipCallEndReason.RemoteBye, ended!.Reason);
        await WaitUntilAsync(() => _stack.Counters.Connections == 0 && _stack.Counters.Transactions == 0);
        Assert.Equal(0, _stack.Counters.Dialogs);
        Assert.Equal(0, _stack.Counters.Timers);
        Assert.Equal(0, _stack.Counters.ParseFailures);

        // A real client's whole session stays inside the default message rate.
        Assert.Equal(0, _stack.Counters.MessagesRateLimited);
    }

    [Fact]
    public async Task SipJs_answers_a_call_to_the_agent_and_gets_our_bye()
    {
        using var node = Start("incoming", "sipjs-call-interop.mjs");
        await WaitUntilAsync(() => _stack.Registrations.Count == 1);

        var call = _stack.InviteAgent("1001", "601", "Tone 601", SipIncomingCallTests.Answer);
        var answered = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        call!.Answered += sdp => answered.TrySetResult(sdp);
        Assert.Contains("m=audio", await answered.Task.WaitAsync(TimeSpan.FromSeconds(10)), StringComparison.Ordinal);
        await Task.Delay(300);
        call.Hangup();
        var events = await FinishAsync(node);

        Assert.Equal(["registered", "incoming", "established", "ended"], events.Select(e => e.GetProperty("event").GetString()));
        Assert.Equal("601", events[1].GetProperty("from").GetString());
        await WaitUntilAsync(() => _stack.Counters.Connections == 0 && _stack.Counters.Transactions == 0);
        Assert.Equal(0, _stack.Counters.Dialogs);
        Assert.Equal(0, _stack.Counters.Timers);
    }
}
