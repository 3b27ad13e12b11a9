using System.Text;

namespace PbxBridge.Sip.Message;

/// <summary>Parses one SIP message (RFC 3261 §7, §25) from a WebSocket frame or UDP datagram. Never throws on
/// input: every failure is a <see cref="SipParseResult"/> with a reason. Liberal where RFC 4475 allows it
/// (folding, LWS around ':' and '/', compact forms, no LWS before '&lt;'), strict where it says reject.</summary>
public static class SipParser
{
    /// <summary>Hard limit on one message; nothing a browser sends comes near it.</summary>
    public const int MaxMessageSize = 64 * 1024;

    private static readonly string[] SingleValued =
    [
        SipHeaderNames.From, SipHeaderNames.To, SipHeaderNames.CallId, SipHeaderNames.CSeq,
        SipHeaderNames.MaxForwards, SipHeaderNames.ContentLength, SipHeaderNames.ContentType,
    ];

    public static SipParseResult Parse(ReadOnlySpan<byte> data)
    {
        try
        {
            return ParseCore(data);
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or OverflowException or DecoderFallbackException or IndexOutOfRangeException)
        {
            // The scanners below are written not to throw; this is the last line so bad input never escapes.
            return SipParseResult.Fail("unparseable message: " + ex.GetType().Name);
        }
    }

    private static SipParseResult ParseCore(ReadOnlySpan<byte> data)
    {
        if (data.Length > MaxMessageSize)
        {
            return SipParseResult.Fail("message too large", 513);
        }

        // RFC 3261 §7.5: CRLFs before the start line are ignored.
        var skip = 0;
        while (skip < data.Length && data[skip] is (byte)'\r' or (byte)'\n')
        {
            skip++;
        }

        data = data[skip..];
        if (data.IsEmpty)
        {
            return SipParseResult.Fail("empty message");
        }

        var headerEnd = data.IndexOf("\r\n\r\n"u8);
        var separatorLength = 4;
        var lfOnly = data.IndexOf("\n\n"u8);
        if (headerEnd < 0 || (lfOnly >= 0 && lfOnly < headerEnd))
        {
            headerEnd = lfOnly;
            separatorLength = 2;
        }

        if (headerEnd < 0)
        {
            return SipParseResult.Fail("no empty line after the header fields");
        }

        var headText = Encoding.UTF8.GetString(data[..headerEnd]);
        var body = data[(headerEnd + separatorLength)..];
        var lines = Unfold(headText);
        var startLine = lines[0];
        var isResponse = startLine.StartsWith("SIP/", StringComparison.Ordinal);

        var headers = new SipHeaders();
        string? headerError = null;
        for (var n = 1; n < lines.Count; n++)
        {
            var line = lines[n];
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            var name = colon > 0 ? line[..colon].TrimEnd(' ', '\t') : string.Empty;
            if (!SipSyntax.IsToken(name))
            {
                headerError ??= "malformed header field line";
                continue;
            }

            headers.Add(name, line[(colon + 1)..].Trim(' ', '\t'));
        }

        return isResponse
            ? ParseResponse(startLine, headers, body, headerError)
            : ParseRequest(startLine, headers, body, headerError);
    }

    /// <summary>Splits on LF (tolerating bare LF), strips CR and joins continuation lines (RFC 3261 §7.3.1).</summary>
    private static List<string> Unfold(string head)
    {
        var lines = new List<string>();
        foreach (var raw in head.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (lines.Count > 1 && line.Length > 0 && line[0] is ' ' or '\t')
            {
                lines[^1] = lines[^1] + " " + line.TrimStart(' ', '\t');
            }
            else
            {
                lines.Add(line);
            }
        }

        return lines;
    }

    private static SipParseResult ParseRequest(string startLine, SipHeaders headers, ReadOnlySpan<byte> body, string? headerError)
    {
        // Request-Line = Method SP Request-URI SP SIP-Version: exactly single spaces (lwsstart, trws, lwsruri).
        var parts = startLine.Split(' ');
        var method = parts.Length > 0 ? parts[0] : string.Empty;
        var rejectable = new SipRequest(SipSyntax.IsToken(method) ? method : "UNKNOWN", parts.Length > 1 ? parts[1] : string.Empty);
        foreach (var f in headers.Fields)
        {
            rejectable.Headers.Add(f.Name, f.Value);
        }

        SipParseResult Reject(string error, int status = 400) =>
            SipParseResult.Fail(error, status, CanAnswer(headers) ? rejectable : null);

        if (parts.Length != 3 || parts[0].Length == 0 || parts[1].Length == 0)
        {
            return Reject("Malformed Request-Line");
        }

        if (!SipSyntax.IsToken(method))
        {
            return Reject("Malformed Method");
        }

        if (parts[2] != "SIP/2.0")
        {
            return parts[2].StartsWith("SIP/", StringComparison.Ordinal) ? Reject("Version Not Supported", 505) : Reject("Malformed SIP-Version");
        }

        var uri = parts[1];
        if (SipUri.IsSipScheme(uri))
        {
            if (!SipUri.TryParse(uri, out var sipUri, out var uriError))
            {
                return Reject("Bad Request-URI: " + uriError);
            }

            if (sipUri!.Headers is not null)
            {
                return Reject("Bad Request-URI: headers not allowed");
            }
        }
        else if (!SipUri.IsAbsoluteUri(uri))
        {
            return Reject("Bad Request-URI");
        }

        if (headerError is not null)
        {
            return Reject(headerError);
        }

        if (ValidateCommon(headers, body, out var bodyLength) is { } error)
        {
            return Reject(error);
        }

        var cseq = headers.Get(SipHeaderNames.CSeq)!;
        CSeq.TryParse(cseq, out var parsedCSeq, out _);
        if (parsedCSeq.Method != method)
        {
            return Reject("CSeq method does not match the Request-Line");
        }

        if (headers.Get(SipHeaderNames.MaxForwards) is { } mf && !SipSyntax.TryParseDigits(mf, 255, out _))
        {
            return Reject("Bad Max-Forwards");
        }

        if (headers.Get(SipHeaderNames.Date) is { } date && !date.TrimEnd().EndsWith(" GMT", StringComparison.Ordinal))
        {
            return Reject("Bad Date: only GMT is allowed");
        }

        foreach (var name in (ReadOnlySpan<string>)[SipHeaderNames.Contact, SipHeaderNames.Route, SipHeaderNames.RecordRoute])
        {
            if (!headers.TryGetList(name, out var values))
            {
                return Reject("Malformed " + name);
            }

            foreach (var v in values)
            {
                if (!(name == SipHeaderNames.Contact && v == "*") && !NameAddr.TryParse(v, out _, out var addrError))
                {
                    return Reject("Malformed " + name + ": " + addrError);
                }
            }
        }

        var request = new SipRequest(method, uri) { Body = body[..bodyLength].ToArray() };
        foreach (var f in headers.Fields)
        {
            request.Headers.Add(f.Name, f.Value);
        }

        return SipParseResult.Ok(request);
    }

    private static SipParseResult ParseResponse(string startLine, SipHeaders headers, ReadOnlySpan<byte> body, string? headerError)
    {
        // Responses that fail are dropped: there is nobody to answer (RFC 4475 §3.1.2.5, §3.1.2.19).
        if (!startLine.StartsWith("SIP/2.0 ", StringComparison.Ordinal))
        {
            return SipParseResult.Fail("Malformed Status-Line");
        }

        var rest = startLine[8..];
        var space = rest.IndexOf(' ', StringComparison.Ordinal);
        var codeText = space >= 0 ? rest[..space] : rest;
        if (codeText.Length != 3 || !SipSyntax.TryParseDigits(codeText, 699, out var code) || code < 100)
        {
            return SipParseResult.Fail("Bad Status-Code");
        }

        if (headerError is not null)
        {
            return SipParseResult.Fail(headerError);
        }

        if (ValidateCommon(headers, body, out var bodyLength) is { } error)
        {
            return SipParseResult.Fail(error);
        }

        var response = new SipResponse((int)code, space >= 0 ? rest[(space + 1)..] : string.Empty) { Body = body[..bodyLength].ToArray() };
        foreach (var f in headers.Fields)
        {
            response.Headers.Add(f.Name, f.Value);
        }

        return SipParseResult.Ok(response);
    }

    /// <summary>A response can be routed back with a Via and matched with a CSeq; From, To and Call-ID are copied
    /// when present (RFC 4475 §3.3.1 expects a 400 even when they are missing).</summary>
    private static bool CanAnswer(SipHeaders headers) =>
        headers.Contains(SipHeaderNames.Via) && headers.Contains(SipHeaderNames.CSeq);

    /// <summary>Checks shared by requests and responses; returns an error reason or null.</summary>
    private static string? ValidateCommon(SipHeaders headers, ReadOnlySpan<byte> body, out int bodyLength)
    {
        bodyLength = body.Length;
        foreach (var name in SingleValued)
        {
            if (headers.CountFields(name) > 1)
            {
                return "Multiple " + name + " header fields";
            }
        }

        if (!headers.Contains(SipHeaderNames.Via) || !headers.Contains(SipHeaderNames.From) || !headers.Contains(SipHeaderNames.To)
            || !headers.Contains(SipHeaderNames.CallId) || !headers.Contains(SipHeaderNames.CSeq))
        {
            return "Missing mandatory header field (Via, From, To, Call-ID or CSeq)";
        }

        if (!headers.TryGetList(SipHeaderNames.Via, out var vias) || vias.Count == 0)
        {
            return "Malformed Via";
        }

        foreach (var v in vias)
        {
            if (!Via.TryParse(v, out _, out var viaError))
            {
                return "Malformed Via: " + viaError;
            }
        }

        foreach (var name in (ReadOnlySpan<string>)[SipHeaderNames.From, SipHeaderNames.To])
        {
            if (!NameAddr.TryParse(headers.Get(name)!, out _, out var addrError))
            {
                return "Malformed " + name + ": " + addrError;
            }
        }

        var callId = headers.Get(SipHeaderNames.CallId)!;
        if (callId.Length == 0 || callId.Any(c => c <= ' '))
        {
            return "Malformed Call-ID";
        }

        if (!CSeq.TryParse(headers.Get(SipHeaderNames.CSeq)!, out _, out var cseqError))
        {
            return "Malformed CSeq: " + cseqError;
        }

        if (headers.Get(SipHeaderNames.ContentLength) is { } cl)
        {
            if (!SipSyntax.TryParseDigits(cl, int.MaxValue, out var length))
            {
                return "Malformed Content-Length";
            }

            if ((long)length > body.Length)
            {
                return "Content-Length larger than message";
            }

            // RFC 3261 §18.3: octets beyond Content-Length are discarded (dblreq).
            bodyLength = (int)length;
        }

        return null;
    }
}
