using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using PbxBridge.Tests.Support;

namespace PbxBridge.Tests.Http;

/// <summary>
/// /healthz as the cluster front's health check reads it (deploy/haproxy: `http-check expect status 200`): 200 only
/// while the node can take a new agent. Draining (SIGTERM) or without its PBX it answers 503 with the usual body plus
/// the reason, and the WebSockets already open on it carry on.
/// </summary>
public sealed class HealthzTests
{
    private static readonly string Offer = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Sdp", "chromium156-offer.sdp"))
        .ReplaceLineEndings("\r\n");

    [Fact]
    public async Task A_draining_node_answers_503_while_its_open_websockets_carry_on()
    {
        await using var node = await InProcessPbxBridge.StartAsync("--Shutdown:DrainSeconds=60");
        await using var alice = await WssSipClient.ConnectAsync(node.SipUri, "1001");
        Assert.Equal(200, (await alice.RegisterAsync(InProcessPbxBridge.DemoPassword)).StatusCode);
        var ringing = await alice.InviteDialogAsync("602", Offer);
        Assert.Equal(180, ringing.Response.StatusCode);
        var (status, body) = await HealthAsync(node);
        Assert.True(status == HttpStatusCode.OK, body.ToString());
        Assert.Equal("ok", body.GetProperty("status").GetString());
        Assert.False(body.TryGetProperty("reason", out _), body.ToString());

        // SIGTERM: the ringing call keeps the drain going, and the front must see the node as down meanwhile.
        var stopping = node.StopAsync();
        Assert.True(
            await Eventually(async () => (await HealthAsync(node)).Status == HttpStatusCode.ServiceUnavailable),
            $"/healthz still answers 200 while draining: {(await HealthAsync(node)).Body}");
        (status, body) = await HealthAsync(node);
        Assert.Equal("draining", body.GetProperty("status").GetString());
        Assert.Contains("draining (SIGTERM): 1 calls finishing", body.GetProperty("reason").GetString(), StringComparison.Ordinal);

        // The fields ops tools read are all still there.
        Assert.Equal("Demo", body.GetProperty("pbx").GetProperty("kind").GetString());
        Assert.True(body.GetProperty("pbx").GetProperty("connected").GetBoolean());
        Assert.Equal("limits-test", body.GetProperty("node").GetString());
        Assert.Equal("local", body.GetProperty("cluster").GetProperty("source").GetString());

        // The agent's WebSocket on the draining node carries on: its REGISTER refresh is answered, its call goes on.
        Assert.Equal(200, (await alice.RegisterAsync(InProcessPbxBridge.DemoPassword)).StatusCode);
        Assert.False(stopping.IsCompleted, "the drain ended with the call still ringing");

        // The call ends: the drain finishes and the node stops.
        await alice.SendAsync(ringing.Cancel());
        await stopping.WaitAsync(TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task A_node_without_its_pbx_answers_503_with_the_reason()
    {
        // ARI on a port nobody listens on: the node serves, and reconnects with backoff.
        await using var node = await InProcessPbxBridge.StartAsync(
            "--Pbx:Kind=Asterisk", $"--Pbx:Asterisk:Url=http://127.0.0.1:{ClosedPort()}", "--Pbx:Asterisk:Password=not-reached");
        var (status, body) = await HealthAsync(node);
        Assert.True(status == HttpStatusCode.ServiceUnavailable, body.ToString());
        Assert.Equal("pbx-down", body.GetProperty("status").GetString());
        Assert.Equal("no Asterisk control connection (ARI): reconnecting, no new agents", body.GetProperty("reason").GetString());
        Assert.False(body.GetProperty("pbx").GetProperty("connected").GetBoolean());
    }

    private static async Task<(HttpStatusCode Status, JsonElement Body)> HealthAsync(InProcessPbxBridge node)
    {
        using var http = node.NewHttpClient();
        using var response = await http.GetAsync(new Uri("/healthz", UriKind.Relative));
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return (response.StatusCode, json.RootElement.Clone());
    }

    private static async Task<bool> Eventually(Func<Task<bool>> condition)
    {
        for (var i = 0; i < 100; i++)
        {
            if (await condition())
            {
                return true;
            }

            await Task.Delay(50);
        }

        return false;
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
