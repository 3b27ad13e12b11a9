using PbxBridge.Browser.Tests.Harness;

namespace PbxBridge.Browser.Tests.RealPbx.Harness;

/// <summary>
/// One real Asterisk, wired for PbxBridge by the documented steps, and one PbxBridge process on it, shared by the
/// scenarios of a class (booting each costs seconds). Every scenario leaves both clean, and checks that it did.
/// </summary>
public sealed class RealAsteriskFixture : IAsyncLifetime
{
    private RealAsterisk? _asterisk;
    private PbxBridgeProcess? _host;

    public RealAsterisk Asterisk => _asterisk ?? throw new InvalidOperationException(SkipReason ?? "not started");

    public PbxBridgeProcess Host => _host ?? throw new InvalidOperationException(SkipReason ?? "not started");

    /// <summary>Why the scenarios cannot run here (no Asterisk installed), or null.</summary>
    public string? SkipReason { get; private set; }

    /// <summary>The output of the README's install steps, for failure messages.</summary>
    public string InstallLog { get; private set; } = string.Empty;

    public async Task InitializeAsync()
    {
        if (RealPbxInstall.Asterisk is null)
        {
            SkipReason = RealPbxInstall.AsteriskMissing;
            return;
        }

        _asterisk = await RealAsterisk.StartAsync();
        InstallLog = await _asterisk.InstallPbxBridgeConfigurationAsync(_asterisk.PbxBridgeSettings);
        _host = await RealPbxAgents.StartPbxBridgeAsync(_asterisk.PbxBridgeSettings);
    }

    public async Task DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }

        if (_asterisk is not null)
        {
            await _asterisk.DisposeAsync();
        }
    }

    /// <summary>PbxBridge holds no call and Asterisk no channel or bridge.</summary>
    public async Task AssertNothingLeftAsync()
    {
        var (clean, left) = await Asterisk.WaitCleanAsync(TimeSpan.FromSeconds(15));
        Assert.True(clean, $"left in Asterisk:\n{left}\n--- PbxBridge ---\n{Tail(Host.Output)}");
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        string calls;
        while ((calls = (await Host.Http.GetStringAsync(new Uri("api/calls", UriKind.Relative))).Trim()) != "[]" && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200);
        }

        Assert.True(calls == "[]", $"left in PbxBridge: {calls}");
    }

    public static string Tail(string text, int max = 6000) => text.Length <= max ? text : "…" + text[^max..];
}
