using System.Globalization;

namespace PbxBridge.Sip.Message;

/// <summary>A SIP response: SIP/2.0 SP Status-Code SP Reason-Phrase.</summary>
public sealed class SipResponse : SipMessage
{
    public SipResponse(int statusCode, string reasonPhrase)
    {
        StatusCode = statusCode;
        ReasonPhrase = reasonPhrase;
    }

    public int StatusCode { get; }

    public string ReasonPhrase { get; }

    public bool IsProvisional => StatusCode < 200;

    public bool IsSuccess => StatusCode is >= 200 and < 300;

    protected override string StartLine => "SIP/2.0 " + StatusCode.ToString(CultureInfo.InvariantCulture) + " " + ReasonPhrase;

    /// <summary>Builds a response to <paramref name="request"/> per RFC 3261 §8.2.6.2: Via lines copied verbatim and
    /// in order (SIP.js and JsSIP compare them), From, To, Call-ID and CSeq copied; a To tag added when absent (the
    /// given one, or a fresh one) on everything but 100 Trying.</summary>
    public static SipResponse For(SipRequest request, int statusCode, string reasonPhrase, string? toTag = null)
    {
        var response = new SipResponse(statusCode, reasonPhrase);
        foreach (var via in request.Headers.GetFieldValues(SipHeaderNames.Via))
        {
            response.Headers.Add(SipHeaderNames.Via, via);
        }

        if (request.Headers.Get(SipHeaderNames.From) is { } from)
        {
            response.Headers.Add(SipHeaderNames.From, from);
        }

        if (request.Headers.Get(SipHeaderNames.To) is { } to)
        {
            if (statusCode > 100 && NameAddr.TryParse(to, out var toAddr, out _) && toAddr!.Tag is null)
            {
                to = to.TrimEnd() + ";tag=" + (toTag ?? Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(6)));
            }

            response.Headers.Add(SipHeaderNames.To, to);
        }

        if (request.Headers.Get(SipHeaderNames.CallId) is { } callId)
        {
            response.Headers.Add(SipHeaderNames.CallId, callId);
        }

        if (request.Headers.Get(SipHeaderNames.CSeq) is { } cseq)
        {
            response.Headers.Add(SipHeaderNames.CSeq, cseq);
        }

        return response;
    }
}
