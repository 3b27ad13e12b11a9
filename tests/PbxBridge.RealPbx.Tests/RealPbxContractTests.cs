using PbxBridge.Pbx.Contract;
using PbxBridge.RealPbx.Harness;

namespace PbxBridge.RealPbx.Tests;

/// <summary>
/// The IPbx contract suite, unchanged, against an adapter from src on a real PBX booted once for the class; skipped
/// with the reason where that PBX is not installed.
/// </summary>
public abstract class RealPbxContractTests<TPbx>(InstalledPbxFixture<TPbx> fixture) : PbxContractTests
    where TPbx : class, IRealPbx<TPbx>
{
    protected sealed override async Task<IPbxUnderTest> StartAsync()
    {
        Skip.If(fixture.SkipReason is not null, fixture.SkipReason);
        var underTest = Connect(fixture.Pbx);
        try
        {
            await underTest.ConnectAsync();
            return underTest;
        }
        catch
        {
            await underTest.DisposeAsync();
            throw;
        }
    }

    /// <summary>The adapter on <paramref name="pbx"/>, not yet started.</summary>
    protected abstract RealPbxUnderTest Connect(TPbx pbx);
}
