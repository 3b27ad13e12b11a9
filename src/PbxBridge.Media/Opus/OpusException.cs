using System.Runtime.InteropServices;

namespace PbxBridge.Media.Opus;

/// <summary>A libopus call failed at setup (create, ctl); the message carries opus_strerror's text.</summary>
public sealed class OpusException : Exception
{
    public OpusException()
    {
    }

    public OpusException(string message)
        : base(message)
    {
    }

    public OpusException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public int ErrorCode { get; private init; }

    internal static OpusException FromError(string operation, int errorCode) =>
        new($"{operation} failed: {Marshal.PtrToStringUTF8(OpusNative.StrError(errorCode))} ({errorCode})") { ErrorCode = errorCode };
}
