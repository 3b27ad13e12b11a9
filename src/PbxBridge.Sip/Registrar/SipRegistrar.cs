using System.Globalization;
using PbxBridge.Sip.Message;
using PbxBridge.Sip.Transport;

namespace PbxBridge.Sip.Registrar;

/// <summary>REGISTER processing after authentication (RFC 3261 §10.3): Expires bounds (423 Min-Expires), several
/// contacts per agent up to a limit (beyond it 503 with Retry-After, the existing ones kept; 403 without one when a
/// single REGISTER carries more contacts than the limit, which no wait can fix), unREGISTER of one contact
/// or of all ("*"), and the 200 listing every current binding.</summary>
internal sealed class SipRegistrar
{
    private readonly SipStackOptions _options;
    private readonly IRegistrationStore _store;

    public SipRegistrar(SipStackOptions options)
    {
        _options = options;
        _store = options.RegistrationStore;
    }

    public IRegistrationStore Store => _store;

    public SipResponse Register(SipRequest request, ISipFlow flow, string agentId)
    {
        var now = _options.TimeProvider.GetUtcNow();
        var contactValues = request.Headers.GetList(SipHeaderNames.Contact);
        var defaultExpires = ParseExpires(request.Headers.Get(SipHeaderNames.Expires)) ?? _options.DefaultExpires;
        var callId = request.CallId!;
        var cseq = request.CSeq!.Value.Number;

        if (contactValues.Contains("*"))
        {
            if (contactValues.Count != 1 || defaultExpires != 0)
            {
                return SipResponse.For(request, 400, "Wildcard Contact requires Expires: 0");
            }

            _store.RemoveAll(agentId);
            return Ok(request, agentId, now);
        }

        var changes = new List<(NameAddr Contact, long Expires)>();
        foreach (var value in contactValues)
        {
            if (!NameAddr.TryParse(value, out var contact, out _))
            {
                return SipResponse.For(request, 400, "Malformed Contact");
            }

            var expires = contact!.Parameters.Get("expires") is { } e ? ParseExpires(e) ?? _options.MaxExpires : defaultExpires;
            if (expires > 0 && expires < _options.MinExpires)
            {
                var tooBrief = SipResponse.For(request, 423, "Interval Too Brief");
                tooBrief.Headers.Add(SipHeaderNames.MinExpires, _options.MinExpires.ToString(CultureInfo.InvariantCulture));
                return tooBrief;
            }

            changes.Add((contact, Math.Min(expires, _options.MaxExpires)));
        }

        if (changes.Count(c => c.Expires > 0) > _options.MaxRegistrationsPerAgent)
        {
            // This REGISTER alone is over the limit: no wait makes it fit, so no Retry-After (RFC 3261 §21.5.4 would have
            // a client come back after it). 403 is final; no browser library sends more than one contact per REGISTER.
            return SipResponse.For(request, 403, LimitReasonPhrases.TooManyContacts);
        }

        if (OverLimit(agentId, changes, now) is { } refusal)
        {
            return Refuse(request, refusal);
        }

        foreach (var (contact, expires) in changes)
        {
            if (expires == 0)
            {
                _store.Remove(agentId, contact.UriText);
                continue;
            }

            contact.Parameters.Remove("expires");
            _store.Upsert(new SipRegistrationBinding(agentId, contact.UriText, contact.ToString(), flow.Id, flow.Remote, callId, cseq,
                now.AddSeconds(expires), request.Headers.Get(SipHeaderNames.UserAgent), contact.Parameters.Get("+sip.instance")));
        }

        return Ok(request, agentId, now);
    }

    /// <summary>Null when the bindings after this REGISTER stay within the limit, else the seconds until the soonest
    /// existing binding expires (the earliest a new one could fit without anything else changing).</summary>
    private int? OverLimit(string agentId, List<(NameAddr Contact, long Expires)> changes, DateTimeOffset now)
    {
        var existing = _store.GetBindings(agentId);
        var after = existing.Count;
        foreach (var (contact, expires) in changes)
        {
            var known = existing.Any(b => b.ContactUri == contact.UriText);
            after += (expires, known) switch
            {
                (0, true) => -1,
                ( > 0, false) => 1,
                _ => 0,
            };
        }

        // Only growth is refused: a refresh, or a REGISTER that also removes, never loses an agent what it has.
        if (after <= _options.MaxRegistrationsPerAgent || after <= existing.Count)
        {
            return null;
        }

        var soonest = existing.Count > 0 ? existing.Min(b => b.ExpiresAt) : now;
        return Math.Max(1, (int)Math.Ceiling((soonest - now).TotalSeconds));
    }

    private static SipResponse Refuse(SipRequest request, int retryAfterSeconds)
    {
        // 503, not 403: JsSIP reports 403 as "rejected", which pages (ours included) read as a wrong password, while
        // SIP.js hands a 503's Retry-After to the application (Registerer.retryAfter).
        var response = SipResponse.For(request, 503, LimitReasonPhrases.TooManyRegistrations);
        response.Headers.Add(SipHeaderNames.RetryAfter, retryAfterSeconds.ToString(CultureInfo.InvariantCulture));
        return response;
    }

    private SipResponse Ok(SipRequest request, string agentId, DateTimeOffset now)
    {
        var response = SipResponse.For(request, 200, "OK", SipCore.NewTag());
        foreach (var binding in _store.GetBindings(agentId))
        {
            var remaining = Math.Max(0, (int)Math.Ceiling((binding.ExpiresAt - now).TotalSeconds));
            response.Headers.Add(SipHeaderNames.Contact, binding.ContactValue + ";expires=" + remaining.ToString(CultureInfo.InvariantCulture));
        }

        return response;
    }

    /// <summary>delta-seconds; values beyond 2^32-1 (RFC 4475 scalar02) are not an error here, they clamp.</summary>
    private static long? ParseExpires(string? text)
    {
        if (text is null)
        {
            return null;
        }

        var trimmed = text.Trim();
        if (trimmed.Length > 0 && trimmed.All(char.IsAsciiDigit))
        {
            return SipSyntax.TryParseDigits(trimmed, uint.MaxValue, out var v) ? (long)v : uint.MaxValue;
        }

        return null;
    }
}
