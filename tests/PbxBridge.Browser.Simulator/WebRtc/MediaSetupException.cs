namespace PbxBridge.Browser.Simulator.WebRtc;

/// <summary>The browser's media could not come up (ICE, DTLS or no media back), whoever signalled the call.</summary>
internal sealed class MediaSetupException : Exception
{
    public MediaSetupException(string message)
        : base(message)
    {
    }

    public MediaSetupException()
    {
    }

    public MediaSetupException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
