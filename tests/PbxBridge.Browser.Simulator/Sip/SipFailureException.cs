namespace PbxBridge.Browser.Simulator.Sip;

/// <summary>A SIP transaction of one leg did not end the way a working call needs; the leg counts as failed.</summary>
internal sealed class SipFailureException : Exception
{
    public SipFailureException(string message)
        : base(message)
    {
    }

    public SipFailureException()
    {
    }

    /// <summary>The final status the request got (503 for a refusal), when it got one.</summary>
    public int? StatusCode { get; init; }

    public SipFailureException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
