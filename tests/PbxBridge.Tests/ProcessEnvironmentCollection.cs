namespace PbxBridge.Tests;

/// <summary>Tests that set process environment variables run alone: configuration reads them process-wide.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessEnvironmentCollection
{
    public const string Name = "process environment";
}
