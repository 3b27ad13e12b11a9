using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using PbxBridge.Browser.Tests.Harness;
using PbxBridge.Testing;

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

    /// <summary>
    /// With Media:SingleUdpPort every call's browser leg answers on that one port; the check's leg must too, or the
    /// check tests a port range a call never uses (and a firewall opened for the one port fails the check).
    /// </summary>
    [Fact]
    public async Task With_a_single_udp_port_the_checks_leg_answers_on_that_port_as_a_call_would()
    {
        int port;
        using (var probe = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp))
        {
            probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            port = ((IPEndPoint)probe.LocalEndPoint!).Port;
        }

        await using var host = await PbxBridgeProcess.StartAsync(extraArgs: [$"--Media:SingleUdpPort={port}"]);
        var offer = await File.ReadAllTextAsync(Path.Combine(RepoPaths.Root, "tests", "PbxBridge.WebRtc.Tests", "Sdp", "chromium156-offer.sdp"));

        using var response = await PostAsync(host, "1001", host.AgentPassword, offer);
        var answer = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {answer}");

        // a=candidate:<foundation> <component> <transport> <priority> <address> <port> typ host ...
        var udpPorts = answer.Split('\n')
            .Select(line => line.TrimEnd('\r').Split(' '))
            .Where(fields => fields[0].StartsWith("a=candidate:", StringComparison.Ordinal) && fields.Length > 5
                && fields[2].Equals("udp", StringComparison.OrdinalIgnoreCase))
            .Select(fields => int.Parse(fields[5], CultureInfo.InvariantCulture))
            .ToList();
        Assert.NotEmpty(udpPorts);
        Assert.All(udpPorts, candidatePort => Assert.Equal(port, candidatePort));
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
