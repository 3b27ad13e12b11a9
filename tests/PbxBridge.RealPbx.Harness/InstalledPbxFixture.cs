namespace PbxBridge.RealPbx.Harness;

/// <summary>
/// One real PBX booted from stock configuration and wired for PbxBridge by its README's documented steps, shared by
/// the tests of a class (booting costs seconds). Where the PBX is not installed, <see cref="SkipReason"/> says so and
/// nothing is started: the tests skip with that reason.
/// </summary>
public class InstalledPbxFixture<TPbx> : IAsyncLifetime
    where TPbx : class, IRealPbx<TPbx>
{
    private TPbx? _pbx;

    public TPbx Pbx => _pbx ?? throw new InvalidOperationException(SkipReason ?? "not started");

    /// <summary>Why the tests cannot run here (the PBX is not installed), or null.</summary>
    public string? SkipReason { get; private set; }

    public virtual async Task InitializeAsync()
    {
        SkipReason = TPbx.MissingReason;
        if (SkipReason is not null)
        {
            return;
        }

        _pbx = await TPbx.StartAsync();
        await _pbx.InstallPbxBridgeConfigurationAsync(_pbx.PbxBridgeSettings);
    }

    public virtual async Task DisposeAsync()
    {
        if (_pbx is not null)
        {
            await _pbx.DisposeAsync();
        }
    }
}
