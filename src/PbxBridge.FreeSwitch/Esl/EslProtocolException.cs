namespace PbxBridge.FreeSwitch.Esl;

/// <summary>FreeSWITCH sent bytes that are not a well-formed ESL frame (bad Content-Length, oversized header block).</summary>
public sealed class EslProtocolException : Exception
{
    public EslProtocolException()
    {
    }

    public EslProtocolException(string message)
        : base(message)
    {
    }

    public EslProtocolException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
