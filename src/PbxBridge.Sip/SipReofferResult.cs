namespace PbxBridge.Sip;

/// <summary>The answer to an offer in a re-INVITE or UPDATE: an SDP answer, or a failure status.</summary>
public sealed record SipReofferResult(string? AnswerSdp, int StatusCode, string ReasonPhrase)
{
    public static SipReofferResult Answer(string answerSdp) => new(answerSdp, 200, "OK");

    public static SipReofferResult Fail(int statusCode, string reasonPhrase) => new(null, statusCode, reasonPhrase);
}
