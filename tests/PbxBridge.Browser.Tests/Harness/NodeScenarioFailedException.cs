namespace PbxBridge.Browser.Tests.Harness;

/// <summary>A node scenario exited non-zero or printed no JSON result; the message carries its stderr.</summary>
public sealed class NodeScenarioFailedException : Exception
{
    public NodeScenarioFailedException()
    {
    }

    public NodeScenarioFailedException(string message)
        : base(message)
    {
    }

    public NodeScenarioFailedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
