namespace PbxBridge.FreeSwitch.Tests.Contract;

/// <summary>Contract tests share one xunit collection so they run one after another, not against each other for CPU.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SimulatorCollection
{
    public const string Name = "FreeSWITCH simulator";
}
