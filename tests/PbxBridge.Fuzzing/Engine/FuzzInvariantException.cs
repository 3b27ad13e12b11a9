namespace PbxBridge.Fuzzing.Engine;

/// <summary>Thrown by a target when the code under test returned, but what it returned breaks a rule (an answer that does not parse, a round trip that changes bytes).</summary>
public sealed class FuzzInvariantException : Exception
{
    public FuzzInvariantException()
    {
    }

    public FuzzInvariantException(string message)
        : base(message)
    {
    }

    public FuzzInvariantException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
