using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using PbxBridge.Http.ProxyProtocol;
using PbxBridge.Sip;
using PbxBridge.Testing;
using PbxBridge.Tests.Support;

namespace PbxBridge.Tests.Cluster;

/// <summary>
/// Two whole nodes behind the shipped front (deploy/haproxy/haproxy.cfg in a real Debian haproxy): the nodes read the
/// front's PROXY protocol v2 header and see each agent's own address, and a node that drains (SIGTERM) fails the
/// front's health check, so new agents go to the other node while the WebSockets open on it carry on.
/// </summary>
public sealed class HaproxyFrontTests
{
    private static readonly string Offer = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Sdp", "chromium156-offer.sdp"))
        .ReplaceLineEndings("\r\n");

    private static readonly string[] BehindTheFront = ["--Http:ProxyProtocol=true", $"--Http:ProxyProtocolFronts:0={HaproxyFront.SourceAddress}"];

    [Fact]
    public async Task A_fronts_connection_without_a_proxy_header_is_closed_and_others_are_served_as_they_are()
    {
        await using var node = await InProcessPbxBridge.StartAsync(BehindTheFront);

        // From the front's address, plain HTTP where the header belongs: closed without an answer, and counted.
        using (var socket = new Socket(SocketType.Stream, ProtocolType.Tcp))
        {
            socket.Bind(new IPEndPoint(IPAddress.Parse(HaproxyFront.SourceAddress), 0));
            await socket.ConnectAsync(IPAddress.Loopback, node.BaseUri.Port);
            await socket.SendAsync("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"u8.ToArray());
            var buffer = new byte[256];
            try
            {
                Assert.Equal(0, await socket.ReceiveAsync(buffer).WaitAsync(TimeSpan.FromSeconds(10)));
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionReset)
            {
                // Aborted: closed with a reset rather than a FIN, as good.
            }
        }

        Assert.Equal(1, node.Services.GetRequiredService<ProxyProtocolConnections>().Refused);

        // From anywhere else (here 127.0.0.1: the CLI, a monitor) no header is expected.
        using var direct = node.NewHttpClient();
        Assert.Equal(HttpStatusCode.OK, (await direct.GetAsync(new Uri("/healthz", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task Nodes_see_each_agents_own_address_and_a_draining_node_gets_no_new_agents()
    {
        await using var a = await InProcessPbxBridge.StartAsync([.. BehindTheFront, "--Cluster:NodeId=node_a", "--Shutdown:DrainSeconds=60"]);
        await using var b = await InProcessPbxBridge.StartAsync([
            .. BehindTheFront, "--Cluster:NodeId=node_b",
            "--Media:BrowserPortStart=47600", "--Media:BrowserPortEnd=47649", "--Media:PbxPortStart=47700", "--Media:PbxPortEnd=47749"]);
        var run = Directory.CreateTempSubdirectory("pbxbridge-front-").FullName;
        try
        {
            await using var front = await HaproxyFront.StartAsync(run, [("node_a", a.BaseUri.Port), ("node_b", b.BaseUri.Port)]);
            Assert.True(await Eventually(async () => await front.StatusOfAsync("node_a") == "UP" && await front.StatusOfAsync("node_b") == "UP", 100),
                $"the front's health checks never passed: node_a {await front.StatusOfAsync("node_a")}, node_b {await front.StatusOfAsync("node_b")}\n{front.Output}");
            var sip = new Uri(front.Uri.ToString().Replace("https://", "wss://", StringComparison.Ordinal) + "sip");

            // Tabs of the demo's agents 1001 and 1002 from 127.0.0.11, .12, ...: the front connects from 127.0.0.2,
            // the nodes see each tab's own address.
            var agents = new List<WssSipClient>();
            async Task ConnectAsync(int i)
            {
                agents.Add(await WssSipClient.ConnectFromAsync(sip, i % 2 == 0 ? "1001" : "1002", IPAddress.Parse($"127.0.0.{11 + i}")));
                Assert.Equal(200, (await agents[i].RegisterAsync(InProcessPbxBridge.DemoPassword)).StatusCode);
            }

            try
            {
                await ConnectAsync(0);
                await ConnectAsync(1);
                Assert.Equal(["127.0.0.11", "127.0.0.12"], Addresses(a).Concat(Addresses(b)).Order());

                // leastconn put one tab on each node. The one on node a calls (ringing, so the drain waits for it).
                var onA = agents[Addresses(a).Single() == "127.0.0.11" ? 0 : 1];
                var ringing = await onA.InviteDialogAsync("602", Offer);
                Assert.Equal(180, ringing.Response.StatusCode);

                // SIGTERM on node a: within the checks' two failures the front takes it out...
                var stopping = a.StopAsync();
                Assert.True(await Eventually(async () => (await front.StatusOfAsync("node_a")).StartsWith("DOWN", StringComparison.Ordinal), 100),
                    $"the front still sends agents to draining node a: {await front.StatusOfAsync("node_a")}");

                // ... so the next agents all land on node b, though node a has fewer WebSockets for leastconn to prefer...
                for (var i = 2; i < 5; i++)
                {
                    await ConnectAsync(i);
                }

                Assert.Equal(Addresses(a).Single() == "127.0.0.11" ? ["127.0.0.12", "127.0.0.13", "127.0.0.14", "127.0.0.15"] : ["127.0.0.11", "127.0.0.13", "127.0.0.14", "127.0.0.15"], Addresses(b).Order());

                // ... while the agent on node a goes on through the front: its refresh is answered, its call still rings.
                Assert.Equal(200, (await onA.RegisterAsync(InProcessPbxBridge.DemoPassword)).StatusCode);
                Assert.False(stopping.IsCompleted, "node a stopped with its call still ringing");
                await onA.SendAsync(ringing.Cancel());
                await stopping.WaitAsync(TimeSpan.FromSeconds(30));
            }
            finally
            {
                foreach (var agent in agents)
                {
                    await agent.DisposeAsync();
                }
            }
        }
        finally
        {
            Directory.Delete(run, recursive: true);
        }
    }

    /// <summary>The source address of every registration on <paramref name="node"/>.</summary>
    private static string[] Addresses(InProcessPbxBridge node) =>
        [.. node.Services.GetRequiredService<SipStack>().Registrations.Select(r => r.Remote.Address.ToString())];

    private static async Task<bool> Eventually(Func<Task<bool>> condition, int tries)
    {
        for (var i = 0; i < tries; i++)
        {
            if (await condition())
            {
                return true;
            }

            await Task.Delay(100);
        }

        return false;
    }
}
