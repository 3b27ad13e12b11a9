namespace PbxBridge.Browser.Tests.Harness;

/// <summary>
/// Every test that starts Chromium joins this collection: on a 2-core runner two headless browsers plus
/// PbxBridge at once starve the audio threads, and a starved fake microphone measures the wrong tone.
/// Use <c>[Collection(BrowserCollection.Name)]</c>.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class BrowserCollection
{
    public const string Name = "Browser";
}
