using PbxBridge.Browser.Tests.Harness;

namespace PbxBridge.Browser.Tests.Phone;

[Collection(BrowserCollection.Name)]
public sealed class PhoneReconnectTests
{
    [Fact]
    public async Task Phone_shows_the_lost_connection_and_registers_again_after_a_service_restart()
    {
        var first = await PbxBridgeProcess.StartAsync();
        PbxBridgeProcess? second = null;
        try
        {
            var scenario = PhoneScenario.RunAsync(
                first, "reconnect.mjs", $"--url={first.PhoneUrl}", "--agent=1001", $"--password={first.AgentPassword}");

            await WaitUntilRegisteredAsync(first, "1001", scenario);
            second = await first.RestartAsync();
            var result = await scenario;

            Assert.True(result.GetProperty("lost").GetBoolean(), $"the page never showed the lost connection: {result}");
            var final = result.GetProperty("final");
            Assert.Equal("connected", final.GetProperty("webSocket").GetString());
            Assert.Equal("registered", final.GetProperty("registration").GetString());
            Assert.True(final.GetProperty("workspaceVisible").GetBoolean(), "the agent stayed signed in");
            Assert.Contains(
                result.GetProperty("seen").EnumerateArray(),
                s => s.GetProperty("shown").GetString() == "Server: connection lost, reconnecting…");
        }
        finally
        {
            await first.DisposeAsync();
            if (second is not null)
            {
                await second.DisposeAsync();
            }
        }
    }

    // GET /api/agents lists registrations; the page's own state is checked by the scenario.
    private static async Task WaitUntilRegisteredAsync(PbxBridgeProcess host, string agent, Task scenario)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(45);
        while (DateTime.UtcNow < deadline)
        {
            if (scenario.IsCompleted)
            {
                await scenario;
                Assert.Fail("the scenario ended before the agent registered");
            }

            var agents = await host.Http.GetStringAsync(new Uri("api/agents", UriKind.Relative));
            if (agents.Contains($"\"{agent}\"", StringComparison.Ordinal))
            {
                return;
            }

            await Task.Delay(250);
        }

        Assert.Fail($"agent {agent} never appeared in /api/agents\n{host.Output}");
    }
}
