namespace PbxBridge.Fuzzing.Engine;

/// <summary>What the code under test made of one input: taken as valid, or refused through its documented path.</summary>
public enum FuzzVerdict
{
    Accepted,
    Rejected,
}
