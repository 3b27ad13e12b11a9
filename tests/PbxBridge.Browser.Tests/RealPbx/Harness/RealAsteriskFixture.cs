namespace PbxBridge.Browser.Tests.RealPbx.Harness;

/// <summary>A real Asterisk 22 and PbxBridge on it for <see cref="RealAsteriskTests"/>.</summary>
public sealed class RealAsteriskFixture : RealPbxFixture<RealAsterisk>;
