using System.Net;
using System.Text;
using PbxBridge.Browser.Tests.Harness;

namespace PbxBridge.Browser.Tests.Network;

/// <summary>
/// POST /api/network-check (the /phone check's throwaway leg; the browser side is PhoneHostileNetworkTests): only
/// for an agent, and bad input gets a clear status and costs nothing.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class NetworkCheckEndpointTests
{
    [Fact]
    public async Task Anonymous_malformed_and_oversized_offers_are_refused_with_a_reason()
    {
        await using var host = await PbxBridgeProcess.StartAsync();

        using var anonymous = await host.Http.PostAsync(new Uri(host.BaseUri, "api/network-check"), new StringContent("v=0\r\n"));
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);

        using var wrong = await PostAsync(host, "1001", "not-the-password", "v=0\r\n");
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);

        using var malformed = await PostAsync(host, "1001", host.AgentPassword, "this is not SDP");
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        Assert.False(string.IsNullOrWhiteSpace(await malformed.Content.ReadAsStringAsync()), "a 400 without a reason");

        using var oversized = await PostAsync(host, "1001", host.AgentPassword, new string('a', 40_000));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, oversized.StatusCode);

        // Still serving: the refusals left nothing behind.
        using var health = await host.Http.GetAsync(new Uri(host.BaseUri, "healthz"));
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    private static Task<HttpResponseMessage> PostAsync(PbxBridgeProcess host, string agent, string password, string body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(host.BaseUri, "api/network-check"))
        {
            Content = new StringContent(body, Encoding.UTF8, "application/sdp"),
        };
        request.Headers.Authorization = new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{agent}:{password}")));
        return host.Http.SendAsync(request);
    }
}
