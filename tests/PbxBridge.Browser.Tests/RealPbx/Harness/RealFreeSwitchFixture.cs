using PbxBridge.Browser.Tests.Harness;

namespace PbxBridge.Browser.Tests.RealPbx.Harness;

/// <summary>One real FreeSWITCH wired by the documented steps and one PbxBridge on it, shared by a class's scenarios.</summary>
public sealed class RealFreeSwitchFixture : IAsyncLifetime
{
    private RealFreeSwitch? _freeSwitch;
    private PbxBridgeProcess? _host;

    public RealFreeSwitch FreeSwitch => _freeSwitch ?? throw new InvalidOperationException(SkipReason ?? "not started");

    public PbxBridgeProcess Host => _host ?? throw new InvalidOperationException(SkipReason ?? "not started");

    public string? SkipReason { get; private set; }

    public string InstallLog { get; private set; } = string.Empty;

    public async Task InitializeAsync()
    {
        if (RealPbxInstall.FreeSwitch is null)
        {
            SkipReason = RealPbxInstall.FreeSwitchMissing;
            return;
        }

        _freeSwitch = await RealFreeSwitch.StartAsync();
        InstallLog = await _freeSwitch.InstallPbxBridgeConfigurationAsync(_freeSwitch.PbxBridgeSettings);
        _host = await RealPbxAgents.StartPbxBridgeAsync(_freeSwitch.PbxBridgeSettings);
    }

    public async Task DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }

        if (_freeSwitch is not null)
        {
            await _freeSwitch.DisposeAsync();
        }
    }

    public async Task AssertNothingLeftAsync()
    {
        var (clean, left) = await FreeSwitch.WaitCleanAsync(TimeSpan.FromSeconds(15));
        Assert.True(clean, $"left in FreeSWITCH:\n{left}\n--- PbxBridge ---\n{RealAsteriskFixture.Tail(Host.Output)}");
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        string calls;
        while ((calls = (await Host.Http.GetStringAsync(new Uri("api/calls", UriKind.Relative))).Trim()) != "[]" && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200);
        }

        Assert.True(calls == "[]", $"left in PbxBridge: {calls}");
    }
}
