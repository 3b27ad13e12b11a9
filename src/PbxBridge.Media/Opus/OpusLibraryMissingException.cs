namespace PbxBridge.Media.Opus;

/// <summary>libopus.so.0 could not be loaded; the message tells the operator which package to install.</summary>
public sealed class OpusLibraryMissingException : Exception
{
    public const string DefaultMessage = "libopus is missing: install the Debian package libopus0 (apt-get install libopus0)";

    public OpusLibraryMissingException()
        : base(DefaultMessage)
    {
    }

    public OpusLibraryMissingException(string message)
        : base(message)
    {
    }

    public OpusLibraryMissingException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
