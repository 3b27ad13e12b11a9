namespace PbxBridge.FreeSwitch.Esl;

/// <summary>FreeSWITCH refused our inbound ESL connection; <see cref="Rejection"/> says why in the admin's terms.</summary>
public sealed class EslAuthenticationException : Exception
{
    public EslAuthenticationException(EslRejection rejection, string message)
        : base(message) => Rejection = rejection;

    public EslAuthenticationException()
        : this(EslRejection.BadPassword, "ESL authentication failed")
    {
    }

    public EslAuthenticationException(string message)
        : this(EslRejection.BadPassword, message)
    {
    }

    public EslAuthenticationException(string message, Exception inner)
        : base(message, inner) => Rejection = EslRejection.BadPassword;

    public EslRejection Rejection { get; }
}
