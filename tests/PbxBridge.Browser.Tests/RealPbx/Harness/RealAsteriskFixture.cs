namespace PbxBridge.Browser.Tests.RealPbx.Harness;

/// <summary>A real Asterisk 22 for <see cref="RealAsteriskTests"/>.</summary>
public sealed class RealAsteriskFixture : RealPbxFixture<RealAsterisk>
{
    protected override string? MissingReason => RealPbxInstall.Asterisk is null ? RealPbxInstall.AsteriskMissing : null;

    protected override Task<RealAsterisk> StartPbxAsync() => RealAsterisk.StartAsync();
}
