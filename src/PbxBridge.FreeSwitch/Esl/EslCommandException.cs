namespace PbxBridge.FreeSwitch.Esl;

/// <summary>FreeSWITCH answered a command with "-ERR ..." (the reply text is the message).</summary>
public sealed class EslCommandException : Exception
{
    public EslCommandException()
    {
    }

    public EslCommandException(string message)
        : base(message)
    {
    }

    public EslCommandException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
