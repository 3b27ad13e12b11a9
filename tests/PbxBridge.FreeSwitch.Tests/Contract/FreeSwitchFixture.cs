using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using PbxBridge.Sip.Transactions;
using PbxBridge.FreeSwitch.Simulator;
using PbxBridge.Pbx.Contract;

namespace PbxBridge.FreeSwitch.Tests.Contract;

/// <summary>A simulator and a started <see cref="FreeSwitchPbx"/> pointed at it, on free loopback ports.</summary>
internal sealed class FreeSwitchFixture : IAsyncDisposable
{
    private FreeSwitchFixture(FreeSwitchSimulator simulator, FreeSwitchPbx pbx, RecordingInboundHandler handler)
    {
        Simulator = simulator;
        Pbx = pbx;
        Handler = handler;
    }

    public FreeSwitchSimulator Simulator { get; }

    public FreeSwitchPbx Pbx { get; }

    public RecordingInboundHandler Handler { get; }

    /// <summary>Fast timers keep retransmission paths short in tests (T1 50 ms, so 64*T1 is 3.2 s).</summary>
    public static SipTimerValues TestTimers { get; } = new(TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(400), TimeSpan.FromMilliseconds(500));

    public static FreeSwitchOptions OptionsFor(FreeSwitchSimulator simulator, string? password = null) => new()
    {
        EslHost = "127.0.0.1",
        EslPort = simulator.EslEndPoint.Port,
        EslPassword = password ?? simulator.Options.EslPassword,
        SipAddress = simulator.SipEndPoint.ToString(),
        LocalSipAddress = "127.0.0.1",
        LocalSipPort = 0,
        ReconnectMaxDelay = TimeSpan.FromMilliseconds(500),
    };

    /// <summary>Starts both; the SIP leg runs on <paramref name="time"/> (a fake clock) with <paramref name="timers"/>
    /// when given, else on the system clock with <see cref="TestTimers"/>.</summary>
    public static async Task<FreeSwitchFixture> StartAsync(FreeSwitchSimulatorOptions? simulatorOptions = null, string? password = null,
        TimeProvider? time = null, SipTimerValues? timers = null)
    {
        var simulator = await FreeSwitchSimulator.StartAsync(simulatorOptions);
        var pbx = new FreeSwitchPbx(OptionsFor(simulator, password), NullLogger.Instance, time ?? TimeProvider.System, timers ?? TestTimers);
        var handler = new RecordingInboundHandler { Registered = ["1001"] };
        await pbx.StartAsync(handler, TestContext.Timeout);
        simulator.Options.PbxBridgeSip = pbx.LocalSipEndPoint!;
        return new FreeSwitchFixture(simulator, pbx, handler);
    }

    public async ValueTask DisposeAsync()
    {
        await Pbx.DisposeAsync();
        await Simulator.DisposeAsync();
    }
}

internal static class TestContext
{
    public static CancellationToken Timeout => new CancellationTokenSource(TimeSpan.FromSeconds(20)).Token;

    public static async Task<T> Within<T>(this Task<T> task, double seconds) => await task.WaitAsync(TimeSpan.FromSeconds(seconds));

    public static async Task Within(this Task task, double seconds) => await task.WaitAsync(TimeSpan.FromSeconds(seconds));

    public static async Task Eventually(Func<bool> condition, double seconds = 5)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("condition not met in time");
            }

            await Task.Delay(20);
        }
    }

    public static IPEndPoint Loopback(int port) => new(IPAddress.Loopback, port);
}
