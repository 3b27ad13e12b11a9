namespace PbxBridge.Calls.Pbx;

/// <summary>The PBX refused or lost a call during setup; <see cref="Cause"/> maps to the browser's SIP response.</summary>
public sealed class PbxCallFailedException : Exception
{
    public PbxCallFailedException(PbxCause cause, string message)
        : base(message) => Cause = cause;

    public PbxCallFailedException(PbxCause cause, string message, Exception inner)
        : base(message, inner) => Cause = cause;

    public PbxCallFailedException()
        : this(PbxCause.NormalTemporaryFailure, "PBX call failed")
    {
    }

    public PbxCallFailedException(string message)
        : this(PbxCause.NormalTemporaryFailure, message)
    {
    }

    public PbxCallFailedException(string message, Exception inner)
        : this(PbxCause.NormalTemporaryFailure, message, inner)
    {
    }

    public PbxCause Cause { get; }
}
