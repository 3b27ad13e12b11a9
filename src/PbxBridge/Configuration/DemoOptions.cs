namespace PbxBridge.Configuration;

/// <summary>Section "Demo": the built-in demo PBX and its two agents.</summary>
public sealed class DemoOptions
{
    public const string Section = "Demo";

    /// <summary>Password of demo agents 1001 and 1002; empty = generated once, kept in the state directory, printed at start.</summary>
    public string AgentPassword { get; set; } = "";

    /// <summary>How long extensions 600 and 601 ring before answering, so a phone shows the 180 first as it would with a
    /// real PBX; 0 answers at once, which load tests use so that call setup time measures PbxBridge, not a pretend ring.</summary>
    public int AnswerDelayMs { get; set; } = 150;
}
