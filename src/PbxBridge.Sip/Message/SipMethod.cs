namespace PbxBridge.Sip.Message;

/// <summary>Request method names (RFC 3261 §7.1 and the extensions browsers send). Methods are case-sensitive.</summary>
public static class SipMethod
{
    public const string Invite = "INVITE";
    public const string Ack = "ACK";
    public const string Bye = "BYE";
    public const string Cancel = "CANCEL";
    public const string Register = "REGISTER";
    public const string Options = "OPTIONS";
    public const string Info = "INFO";
    public const string Update = "UPDATE";
    public const string Message = "MESSAGE";
    public const string Subscribe = "SUBSCRIBE";
    public const string Notify = "NOTIFY";
    public const string Refer = "REFER";
    public const string Prack = "PRACK";

    /// <summary>What we put in Allow: the methods this stack actually handles.</summary>
    public const string Allowed = "INVITE, ACK, CANCEL, BYE, OPTIONS, INFO, UPDATE, REGISTER, REFER";
}
