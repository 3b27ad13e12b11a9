using PbxBridge.Browser.Tests.Harness;
using PbxBridge.Browser.Tests.RealPbx.Harness;

namespace PbxBridge.Browser.Tests.Sip;

/// <summary>
/// Early media with JsSIP and SIP.js (earlyMedia on) in Chromium against the demo PBX: 605 plays the 1004 Hz tone
/// for 6 s before answering. The browser must get 183 with SDP (not a bare 180), hear the tone by frequency before
/// the 200 OK arrives, and keep hearing it after the answer (the 200 repeats the 183's SDP: no renegotiation into
/// silence).
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class EarlyMediaInteropTests
{
    [Theory]
    [InlineData("jssip")]
    [InlineData("sipjs")]
    public async Task The_tone_played_before_the_answer_is_heard_before_the_200_and_goes_on_after_it(string library)
    {
        await using var host = await PbxBridgeProcess.StartAsync();
        await using var agent = await AgentBrowser.LaunchAsync(library, 700);
        await agent.RegisterAsync(host.BaseUri, "1001", PbxBridgeProcess.DefaultAgentPassword);

        var early = await agent.CallEarlyAsync("605");
        Assert.True(early.GetProperty("state").GetString() == "early", $"{library}: no provisional response with SDP: {early}\n{host.Output}");
        Assert.Contains(183, early.GetProperty("progress").EnumerateArray().Select(p => p.GetInt32()));
        await agent.AssertHearsAsync(1004, "605's early media");
        var heardAt = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

        var confirmed = await agent.WaitConfirmedAsync();
        Assert.Equal("confirmed", confirmed.GetProperty("state").GetString());
        Assert.True(heardAt < confirmed.GetProperty("at").GetInt64(), $"{library}: the tone was only heard after the 200 OK");
        Assert.DoesNotContain(180, confirmed.GetProperty("progress").EnumerateArray().Select(p => p.GetInt32()));
        await agent.AssertHearsAsync(1004, "605 after the answer");

        await agent.HangupAsync();
    }
}
