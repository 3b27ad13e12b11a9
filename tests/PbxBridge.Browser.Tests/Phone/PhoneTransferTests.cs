using System.Text.Json;
using PbxBridge.Browser.Tests.Harness;

namespace PbxBridge.Browser.Tests.Phone;

/// <summary>
/// Transfer from the /phone page by clicks against the demo PBX, 1001 and 1002 each in their own Chromium with a
/// microphone tone of their own (700 Hz, 900 Hz), so who hears whom is checked by frequency.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class PhoneTransferTests : IDisposable
{
    private readonly TwoAgentMicrophones _microphones = new();

    public void Dispose() => _microphones.Dispose();

    [Fact]
    public async Task Transfer_now_sends_the_demo_caller_to_1002_who_hears_its_tone()
    {
        await using var host = await PbxBridgeProcess.StartAsync();
        var result = await RunAsync(host, "blind");

        Assert.InRange(Hz(result, "callerBefore"), 984, 1024);
        Assert.InRange(Hz(result, "bobHears"), 984, 1024);
        var alice = result.GetProperty("alice");
        Assert.Equal("idle", alice.GetProperty("state").GetString());
        Assert.StartsWith("Call with", alice.GetProperty("notice").GetString(), StringComparison.Ordinal);
        Assert.EndsWith("transferred.", alice.GetProperty("notice").GetString(), StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.Null, alice.GetProperty("error").ValueKind);
        Assert.Equal("in-call", result.GetProperty("bob").GetProperty("state").GetString());
        await AssertNoCallLeftAsync(host);
    }

    [Fact]
    public async Task Consult_then_complete_joins_the_held_caller_with_1002()
    {
        await using var host = await PbxBridgeProcess.StartAsync();
        var result = await RunAsync(host, "complete");

        Assert.InRange(Hz(result, "callerBefore"), 984, 1024);
        var consulting = result.GetProperty("consulting");
        Assert.Equal("consulting", consulting.GetProperty("transfer").GetProperty("phase").GetString());
        Assert.True(consulting.GetProperty("completeEnabled").GetBoolean());
        Assert.False(consulting.GetProperty("linesHidden").GetBoolean(), "both calls are listed while consulting");
        var lines = consulting.GetProperty("lines");
        Assert.Equal(2, lines.GetArrayLength());
        Assert.Equal("1002", lines[0].GetProperty("number").GetString());
        Assert.True(lines[1].GetProperty("held").GetBoolean(), "the caller is on hold while 1001 consults");
        Assert.Contains(consulting.GetProperty("shownLines").EnumerateArray(), l => l.GetString()!.Contains("On hold", StringComparison.Ordinal));

        Assert.InRange(Hz(result, "aliceHearsBob"), 880, 920);
        Assert.InRange(Hz(result, "bobHearsAlice"), 680, 720);
        Assert.InRange(Hz(result, "bobHears"), 984, 1024);
        var alice = result.GetProperty("alice");
        Assert.Equal("idle", alice.GetProperty("state").GetString());
        Assert.EndsWith("transferred.", alice.GetProperty("notice").GetString(), StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.Null, alice.GetProperty("error").ValueKind);
        Assert.Equal("in-call", result.GetProperty("bob").GetProperty("state").GetString());
        await AssertNoCallLeftAsync(host);
    }

    [Fact]
    public async Task Consult_then_back_to_caller_ends_the_consultation_and_resumes_two_way_audio()
    {
        await using var host = await PbxBridgeProcess.StartAsync();
        var result = await RunAsync(host, "cancel");

        Assert.InRange(Hz(result, "echoBefore"), 680, 720);
        Assert.InRange(Hz(result, "aliceHearsBob"), 880, 920);
        Assert.InRange(Hz(result, "bobHearsAlice"), 680, 720);

        // 1001's own tone comes back through the echo: both directions of the resumed call carry audio.
        Assert.InRange(Hz(result, "echoAfter"), 680, 720);
        var alice = result.GetProperty("alice");
        Assert.Equal("in-call", alice.GetProperty("state").GetString());
        Assert.Equal("In call", alice.GetProperty("callStateText").GetString());
        Assert.Equal("idle", alice.GetProperty("transfer").GetProperty("phase").GetString());
        Assert.Equal(1, alice.GetProperty("lines").GetArrayLength());
        Assert.Equal("idle", result.GetProperty("bob").GetProperty("state").GetString());
        Assert.Equal("The other party hung up.", result.GetProperty("bob").GetProperty("notice").GetString());
        await AssertNoCallLeftAsync(host);
    }

    private Task<JsonElement> RunAsync(PbxBridgeProcess host, string mode) => PhoneScenario.RunAsync(
        host, "transfer.mjs",
        [$"--url={host.PhoneUrl}", $"--api={host.BaseUri}", $"--password={host.AgentPassword}", $"--mode={mode}", .. _microphones.Arguments]);

    internal static async Task AssertNoCallLeftAsync(PbxBridgeProcess host)
    {
        var left = "";
        var empty = await PbxBridge.RealPbx.Harness.Poll.UntilAsync(
            async () => (left = (await host.Http.GetStringAsync(new Uri("api/calls", UriKind.Relative))).Trim()) == "[]",
            TimeSpan.FromSeconds(10));
        Assert.True(empty, $"calls left in PbxBridge: {left}");
    }

    internal static double Hz(JsonElement result, string name)
    {
        var value = result.GetProperty(name);
        Assert.True(value.ValueKind == JsonValueKind.Number, $"{name}: no tone heard ({result})");
        return value.GetDouble();
    }
}
