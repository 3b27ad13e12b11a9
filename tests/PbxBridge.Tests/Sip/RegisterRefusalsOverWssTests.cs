using PbxBridge.Sip.Message;
using PbxBridge.Tests.Support;

namespace PbxBridge.Tests.Sip;

/// <summary>Issue 17 item 8, over the real WSS listener: a digest answered for another URI than the Request-URI, and a
/// REGISTER that alone carries more contacts than an agent may hold.</summary>
public sealed class RegisterRefusalsOverWssTests
{
    [Fact]
    public async Task Digest_uri_other_than_the_Request_URI_gets_400_and_is_counted()
    {
        await using var bridge = await InProcessPbxBridge.StartAsync();
        await using var agent = await WssSipClient.ConnectAsync(bridge.SipUri, "1001");

        // A right password, for another resource: what an Authorization lifted from another request looks like.
        var response = await agent.RegisterAsync(InProcessPbxBridge.DemoPassword, digestUri: "sip:elsewhere.example");

        Assert.Equal(400, response.StatusCode);
        Assert.Equal("Digest URI Mismatch", response.ReasonPhrase);
        Assert.Contains("pbxbridge_sip_digest_uri_mismatch_total 1\n", await bridge.MetricsAsync(), StringComparison.Ordinal);
        Assert.Equal(200, (await agent.RegisterAsync(InProcessPbxBridge.DemoPassword)).StatusCode);
    }

    [Fact]
    public async Task REGISTER_with_more_contacts_than_the_limit_gets_a_final_403_without_Retry_After()
    {
        await using var bridge = await InProcessPbxBridge.StartAsync("--Limits:MaxRegistrationsPerAgent=2");
        await using var agent = await WssSipClient.ConnectAsync(bridge.SipUri, "1001");

        var response = await agent.RegisterAsync(InProcessPbxBridge.DemoPassword, contacts: 3);

        Assert.Equal(403, response.StatusCode);
        Assert.Equal(LimitReasonPhrases.TooManyContacts, response.ReasonPhrase);
        Assert.Null(response.Headers.Get(SipHeaderNames.RetryAfter));
        Assert.Contains("pbxbridge_sip_registrations_refused_total 1\n", await bridge.MetricsAsync(), StringComparison.Ordinal);
        Assert.Equal(200, (await agent.RegisterAsync(InProcessPbxBridge.DemoPassword, contacts: 2)).StatusCode);
    }
}
