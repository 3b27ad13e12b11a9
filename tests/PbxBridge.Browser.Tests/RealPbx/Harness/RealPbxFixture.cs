using System.Text.Json;
using PbxBridge.Browser.Tests.Harness;

namespace PbxBridge.Browser.Tests.RealPbx.Harness;

/// <summary>
/// One real PBX, wired for PbxBridge by its README's documented steps, and one PbxBridge process on it, shared by the
/// scenarios of a class (booting each costs seconds). Every scenario leaves both clean, and checks that it did.
/// Where the PBX is not installed, <see cref="SkipReason"/> says so and the scenarios skip.
/// </summary>
public abstract class RealPbxFixture<TPbx> : InstalledPbxFixture<TPbx>
    where TPbx : class, IRealPbx<TPbx>
{
    private PbxBridgeProcess? _host;

    public PbxBridgeProcess Host => _host ?? throw new InvalidOperationException(SkipReason ?? "not started");

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        if (SkipReason is null)
        {
            _host = await RealPbxAgents.StartPbxBridgeAsync(Pbx.PbxBridgeSettings);
        }
    }

    public override async Task DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }

        await base.DisposeAsync();
    }

    /// <summary>
    /// Replaces PbxBridge with one started with <paramref name="extraSettings"/> as well (a scenario whose browser is in
    /// a namespace of its own needs it listening beyond loopback); <see cref="RestoreHostAsync"/> puts the usual one back.
    /// </summary>
    public async Task ReplaceHostAsync(params string[] extraSettings)
    {
        await Host.DisposeAsync();
        _host = null;
        _host = await RealPbxAgents.StartPbxBridgeAsync([.. Pbx.PbxBridgeSettings, .. extraSettings]);
    }

    public Task RestoreHostAsync() => ReplaceHostAsync();

    /// <summary>The PBX holds no channel or bridge and PbxBridge no call.</summary>
    public async Task AssertNothingLeftAsync()
    {
        var (clean, left) = await Pbx.WaitCleanAsync(TimeSpan.FromSeconds(15));
        Assert.True(clean, $"left in the PBX:\n{left}\n--- PbxBridge ---\n{Tail(Host.Output)}");
        var calls = string.Empty;
        var empty = await Poll.UntilAsync(
            async () => (calls = (await Host.Http.GetStringAsync(new Uri("api/calls", UriKind.Relative))).Trim()) == "[]",
            TimeSpan.FromSeconds(10));
        Assert.True(empty, $"left in PbxBridge: {calls}");
    }

    public void AssertConfirmed(JsonElement call, AgentBrowser agent)
    {
        ArgumentNullException.ThrowIfNull(agent);
        Assert.True(call.GetProperty("state").GetString() == "confirmed", $"{agent.Library}: call not confirmed: {call}\n{Tail(Host.Output, 3000)}");
    }

    /// <summary>The call ended in the browser (the other side's BYE reached it) rather than timing out.</summary>
    public static void AssertEnded(JsonElement end, AgentBrowser agent)
    {
        ArgumentNullException.ThrowIfNull(agent);
        Assert.False(end.TryGetProperty("timeout", out _), $"{agent.Library}: the call never ended in the browser: {end}\n{agent.Log}");
    }

    /// <summary>/healthz says the PBX control connection is up.</summary>
    public Task<bool> WaitPbxConnectedAsync(TimeSpan timeout) =>
        Poll.UntilAsync(
            async () =>
            {
                // 503 (with the same body) until the PBX is connected.
                using var response = await Host.Http.GetAsync(new Uri("healthz", UriKind.Relative));
                using var health = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
                return health.RootElement.GetProperty("pbx").GetProperty("connected").GetBoolean();
            },
            timeout);

    public static string Tail(string text, int max = 6000)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text.Length <= max ? text : "…" + text[^max..];
    }
}
