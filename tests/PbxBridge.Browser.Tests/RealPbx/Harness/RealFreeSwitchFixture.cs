namespace PbxBridge.Browser.Tests.RealPbx.Harness;

/// <summary>A real FreeSWITCH 1.10 for <see cref="RealFreeSwitchTests"/>.</summary>
public sealed class RealFreeSwitchFixture : RealPbxFixture<RealFreeSwitch>
{
    protected override string? MissingReason => RealPbxInstall.FreeSwitch is null ? RealPbxInstall.FreeSwitchMissing : null;

    protected override Task<RealFreeSwitch> StartPbxAsync() => RealFreeSwitch.StartAsync();
}
