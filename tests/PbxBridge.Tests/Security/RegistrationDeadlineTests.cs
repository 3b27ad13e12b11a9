using System.Net.WebSockets;
using PbxBridge.Tests.Support;

namespace PbxBridge.Tests.Security;

/// <summary>Issue 17 item 1: a WebSocket on which nothing ever authenticates is closed after
/// Limits:RegistrationDeadlineSeconds; one that registered stays.</summary>
public sealed class RegistrationDeadlineTests
{
    [Fact]
    public async Task A_socket_that_never_authenticates_is_closed_with_1008_and_a_registered_one_stays()
    {
        await using var bridge = await InProcessPbxBridge.StartAsync("--Limits:RegistrationDeadlineSeconds=5");
        using var idle = WssSipClient.NewSocket();
        await idle.ConnectAsync(bridge.SipUri, CancellationToken.None);
        await using var agent = await WssSipClient.ConnectAsync(bridge.SipUri, "1001");
        Assert.Equal(200, (await agent.RegisterAsync(InProcessPbxBridge.DemoPassword)).StatusCode);

        var buffer = new byte[4096];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var started = System.Diagnostics.Stopwatch.StartNew();
        var result = await idle.ReceiveAsync(buffer, timeout.Token);
        var after = started.Elapsed;

        Assert.Equal(WebSocketMessageType.Close, result.MessageType);
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, result.CloseStatus);
        Assert.Equal("SIP registration required", result.CloseStatusDescription);
        Assert.InRange(after, TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(15));

        // The registered agent's connection is past the deadline too, and still answers.
        var burst = await agent.OptionsBurstAsync(1, TimeSpan.Zero);
        Assert.All(burst, r => Assert.Equal(200, r.StatusCode));
        Assert.Contains("pbxbridge_sip_connections_unauthenticated_closed_total 1\n", await bridge.MetricsAsync(), StringComparison.Ordinal);
    }
}
