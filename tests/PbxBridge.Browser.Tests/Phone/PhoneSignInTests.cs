using PbxBridge.Browser.Tests.Harness;

namespace PbxBridge.Browser.Tests.Phone;

[Collection(BrowserCollection.Name)]
public sealed class PhoneSignInTests
{
    [Fact]
    public async Task Wrong_password_shows_the_error_text_keeps_the_password_nowhere_and_the_right_one_then_works()
    {
        await using var host = await PbxBridgeProcess.StartAsync();

        var result = await PhoneScenario.RunAsync(
            host, "sign-in-error.mjs", $"--url={host.PhoneUrl}", "--agent=1001", "--password=not-the-password",
            $"--retryPassword={host.AgentPassword}");

        Assert.Equal("Wrong agent id or password. Check them and sign in again.", result.GetProperty("errorText").GetString());
        Assert.Equal("alert", result.GetProperty("errorRole").GetString());
        Assert.True(result.GetProperty("loginVisible").GetBoolean());
        Assert.False(result.GetProperty("workspaceVisible").GetBoolean());
        Assert.Equal("failed", result.GetProperty("registration").GetString());
        Assert.True(result.GetProperty("passwordFieldEmpty").GetBoolean());
        Assert.Equal("1001", result.GetProperty("storedAgentId").GetString());
        Assert.False(result.GetProperty("storageHoldsPassword").GetBoolean());

        // Without this the test would also pass against a server that refuses every password.
        var retry = result.GetProperty("retry");
        Assert.Equal("registered", retry.GetProperty("registration").GetString());
        Assert.True(retry.GetProperty("errorHidden").GetBoolean());
        Assert.True(retry.GetProperty("workspaceVisible").GetBoolean());
    }

    [Fact]
    public async Task Unreachable_server_shows_the_error_text()
    {
        await using var host = await PbxBridgeProcess.StartAsync();
        var nobodyListens = $"wss://127.0.0.1:{FreeTcpPort.Next()}/sip";

        var result = await PhoneScenario.RunAsync(
            host, "sign-in-error.mjs", $"--url={host.PhoneUrl}", "--agent=1001", $"--password={host.AgentPassword}",
            $"--server={nobodyListens}");

        Assert.Equal(
            $"Cannot reach the server at {nobodyListens}. Check the server address and your network, then sign in again.",
            result.GetProperty("errorText").GetString());
        Assert.True(result.GetProperty("loginVisible").GetBoolean());
        Assert.Equal("offline", result.GetProperty("webSocket").GetString());
    }
}
