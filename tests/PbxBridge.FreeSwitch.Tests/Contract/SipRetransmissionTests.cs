using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using PbxBridge.Calls.Pbx;
using PbxBridge.FreeSwitch.Simulator;

namespace PbxBridge.FreeSwitch.Tests.Contract;

[Collection(SimulatorCollection.Name)]
public sealed class SipRetransmissionTests
{
    [Fact]
    public async Task Unanswered_invite_is_retransmitted_on_timer_a_and_fails_on_timer_b()
    {
        await using var simulator = await FreeSwitchSimulator.StartAsync();
        using var silent = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var options = FreeSwitchFixture.OptionsFor(simulator);
        options.SipAddress = silent.Client.LocalEndPoint!.ToString()!;
        await using var pbx = new FreeSwitchPbx(options, NullLogger.Instance, FreeSwitchFixture.TestTimers);
        await pbx.StartAsync(new RecordingInboundHandler(), TestContext.Timeout);
        await using var media = new SimulatedRtpStream(SimulatedMedia.Silence);
        var arrivals = new List<DateTime>();
        var receiving = Task.Run(async () =>
        {
            using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            try
            {
                while (true)
                {
                    var datagram = await silent.ReceiveAsync(stop.Token);
                    if (Encoding.ASCII.GetString(datagram.Buffer).StartsWith("INVITE ", StringComparison.Ordinal))
                    {
                        arrivals.Add(DateTime.UtcNow);
                    }
                }
            }
            catch (OperationCanceledException)
            {
            }
        });

        var error = await Assert.ThrowsAsync<PbxCallFailedException>(
            () => pbx.PlaceCallAsync(OutboundCallTests.Request("601", media, new RecordingObserver()), TestContext.Timeout).Within(8));
        await receiving;

        // T1 = 50 ms here: sends at 0, 50, 150, 350, 750, 1550 ms ... until 64*T1 = 3.2 s (RFC 3261 §17.1.1.2).
        Assert.InRange(arrivals.Count, 5, 8);
        Assert.True(arrivals[2] - arrivals[1] > arrivals[1] - arrivals[0], "Timer A doubles");
        Assert.Equal("RECOVERY_ON_TIMER_EXPIRE", error.Cause.Text);
    }
}
