namespace PbxBridge.Browser.Tests.RealPbx.Harness;

/// <summary>A real FreeSWITCH 1.10 and PbxBridge on it for <see cref="RealFreeSwitchTests"/>.</summary>
public sealed class RealFreeSwitchFixture : RealPbxFixture<RealFreeSwitch>;
