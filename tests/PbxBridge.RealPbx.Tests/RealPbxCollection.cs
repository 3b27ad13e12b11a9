namespace PbxBridge.RealPbx.Tests;

/// <summary>
/// The real-PBX classes run one after the other: Asterisk's and FreeSWITCH's RTP port ranges overlap, and on a 2-core
/// runner two booting PBXs starve each other. Use <c>[Collection(RealPbxCollection.Name)]</c>.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RealPbxCollection
{
    public const string Name = "Real PBX";
}
