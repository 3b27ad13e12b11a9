namespace PbxBridge.Sip.Message;

/// <summary>The outcome of parsing one message. On failure, <see cref="Rejectable"/> holds the request's raw
/// header fields when enough of them exist to answer (Via, From, To, Call-ID, CSeq), so the transport can send
/// <see cref="ErrorStatusCode"/> with <see cref="Error"/> as the reason phrase; otherwise the input is dropped.</summary>
public sealed class SipParseResult
{
    private SipParseResult(SipMessage? message, string? error, int errorStatusCode, SipRequest? rejectable)
    {
        Message = message;
        Error = error;
        ErrorStatusCode = errorStatusCode;
        Rejectable = rejectable;
    }

    public bool Success => Message is not null;

    public SipMessage? Message { get; }

    public string? Error { get; }

    /// <summary>400 for syntax errors, 505 for an unknown SIP version, 513 for an oversized message.</summary>
    public int ErrorStatusCode { get; }

    public SipRequest? Rejectable { get; }

    public static SipParseResult Ok(SipMessage message) => new(message, null, 0, null);

    public static SipParseResult Fail(string error, int statusCode = 400, SipRequest? rejectable = null) =>
        new(null, error, statusCode, rejectable);
}
