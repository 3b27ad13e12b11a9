namespace PbxBridge.Configuration;

/// <summary>Section "Demo": the built-in demo PBX and its two agents.</summary>
public sealed class DemoOptions
{
    public const string Section = "Demo";

    /// <summary>Password of demo agents 1001 and 1002; empty = generated once, kept in the state directory, printed at start.</summary>
    public string AgentPassword { get; set; } = "";
}
