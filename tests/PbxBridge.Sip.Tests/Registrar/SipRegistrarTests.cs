using PbxBridge.Sip.Auth;
using PbxBridge.Sip.Message;
using PbxBridge.Sip.Tests.Support;

namespace PbxBridge.Sip.Tests.Registrar;

public sealed class SipRegistrarTests
{
    [Fact]
    public void Register_without_credentials_is_challenged_sha256_first_and_md5_last()
    {
        using var h = new StackHarness();
        var ua = new BrowserUa(h, h.Connect("f1"), "1001");

        ua.Send(ua.RegisterText());

        var challenge = ua.Flow.LastResponse;
        Assert.Equal(401, challenge.StatusCode);
        var headers = challenge.Headers.GetFieldValues(SipHeaderNames.WwwAuthenticate);
        Assert.Equal(2, headers.Count);
        Assert.True(DigestChallenge.TryParse(headers[0], out var sha));
        Assert.True(DigestChallenge.TryParse(headers[1], out var md5));
        Assert.Equal(DigestAlgorithm.Md5, md5!.Algorithm);
        Assert.Equal(DigestAlgorithm.Sha256, sha!.Algorithm);
        Assert.Equal("pbxbridge", md5.Realm);
        Assert.Equal("auth", md5.Qop);
        Assert.Empty(h.Stack.Registrations);
    }

    [Theory]
    [InlineData(BrowserFlavor.JsSip, -1)]
    [InlineData(BrowserFlavor.SipJs, -1)]
    [InlineData(BrowserFlavor.JsSip, 0)]
    public void Register_with_digest_binds_the_contact_and_lists_it_in_the_200(BrowserFlavor flavor, int challengeIndex)
    {
        using var h = new StackHarness();
        var ua = new BrowserUa(h, h.Connect("f1"), "1001", flavor);

        var ok = ua.Register(challengeIndex: challengeIndex);

        Assert.Equal(200, ok.StatusCode);
        var contact = Assert.Single(ok.Contacts);
        Assert.Equal(ua.ContactUri, contact.UriText);
        Assert.Equal("600", contact.Parameters.Get("expires"));
        if (flavor == BrowserFlavor.JsSip)
        {
            // JsSIP finds its binding in the 200 by +sip.instance.
            Assert.Equal("\"" + ua.InstanceId + "\"", contact.Parameters.Get("+sip.instance"));
        }

        var registration = Assert.Single(h.Stack.Registrations);
        Assert.Equal("1001", registration.AgentId);
        Assert.Equal("f1", registration.FlowId);
    }

    [Fact]
    public void Response_echoes_the_via_byte_for_byte()
    {
        using var h = new StackHarness();
        var ua = new BrowserUa(h, h.Connect("f1"), "1001");
        var branch = BrowserUa.NewBranch();

        ua.Send(ua.RegisterText(branch: branch));

        Assert.Equal([ua.Via(branch)], ua.Flow.LastResponse.Headers.GetFieldValues(SipHeaderNames.Via));
    }

    [Fact]
    public void Wrong_password_gets_401_then_403_after_retries_then_429_with_retry_after()
    {
        using var h = new StackHarness(o => o.MaxAuthFailures = 3);
        var ua = new BrowserUa(h, h.Connect("f1"), "1001");

        var codes = new List<int>();
        for (var i = 0; i < 7; i++)
        {
            codes.Add(ua.Register(password: "wrong").StatusCode);
        }

        // Each refused request while forbidden counts as well, so persistence turns 403 into 429.
        Assert.Equal([401, 401, 403, 403, 403, 403, 429], codes);
        Assert.True(int.Parse(ua.Flow.LastResponse.Headers.Get(SipHeaderNames.RetryAfter)!, System.Globalization.CultureInfo.InvariantCulture) > 0);
        Assert.Equal(3, h.Stack.Counters.AuthFailures);
        Assert.Empty(h.Stack.Registrations);
    }

    [Fact]
    public void Throttle_is_per_source_and_ends_after_the_window()
    {
        using var h = new StackHarness(o => o.MaxAuthFailures = 2);
        var bad = new BrowserUa(h, h.Connect("f1", address: "192.0.2.66"), "1001");
        for (var i = 0; i < 3; i++)
        {
            bad.Register(password: "wrong");
        }

        Assert.Equal(403, bad.Flow.LastResponse.StatusCode);
        var good = new BrowserUa(h, h.Connect("f2", address: "192.0.2.77"), "1002");
        Assert.Equal(200, good.Register().StatusCode);

        h.Time.Advance(TimeSpan.FromMinutes(2));

        Assert.Equal(200, bad.Register().StatusCode);
    }

    [Fact]
    public void Expired_nonce_with_a_correct_digest_gets_stale_true()
    {
        using var h = new StackHarness(o => o.NonceLifetime = TimeSpan.FromSeconds(30));
        var ua = new BrowserUa(h, h.Connect("f1"), "1001");
        ua.Send(ua.RegisterText());
        var challenge = ua.Flow.LastResponse;

        h.Time.Advance(TimeSpan.FromSeconds(31));
        ua.Send(ua.RegisterText(authorization: ua.Authorize(challenge, "REGISTER", "sip:pbxbridge")));

        var stale = ua.Flow.LastResponse;
        Assert.Equal(401, stale.StatusCode);
        Assert.True(DigestChallenge.TryParse(stale.Headers.Get(SipHeaderNames.WwwAuthenticate)!, out var c));
        Assert.True(c!.Stale);
        Assert.Equal(0, h.Stack.Counters.AuthFailures);
    }

    [Fact]
    public void Replayed_nonce_count_is_refused_with_a_fresh_stale_challenge()
    {
        using var h = new StackHarness();
        var ua = new BrowserUa(h, h.Connect("f1"), "1001");
        ua.Send(ua.RegisterText());
        var authorization = ua.Authorize(ua.Flow.LastResponse, "REGISTER", "sip:pbxbridge");
        ua.Send(ua.RegisterText(authorization: authorization));
        Assert.Equal(200, ua.Flow.LastResponse.StatusCode);

        // The same Authorization (same nonce, same nc) captured and sent again (SIP.js does this itself).
        ua.Send(ua.RegisterText(authorization: authorization));

        var refused = ua.Flow.LastResponse;
        Assert.Equal(401, refused.StatusCode);
        Assert.True(DigestChallenge.TryParse(refused.Headers.Get(SipHeaderNames.WwwAuthenticate)!, out var fresh));
        Assert.True(fresh!.Stale);
        Assert.DoesNotContain(fresh.Nonce, authorization, StringComparison.Ordinal);
        Assert.Equal(0, h.Stack.Counters.AuthFailures);
    }

    [Fact]
    public void A_nonce_answered_without_qop_is_good_for_one_request_only()
    {
        using var h = new StackHarness();
        var ua = new BrowserUa(h, h.Connect("f1"), "1001");
        ua.Send(ua.RegisterText());
        var challenges = ua.Flow.LastResponse.Headers.GetFieldValues(SipHeaderNames.WwwAuthenticate);
        Assert.True(DigestChallenge.TryParse(challenges[^1], out var challenge));

        // RFC 2069 style (no qop, so no nc): nothing tells a retry from a replay, so the nonce is spent on first use.
        var ha1 = SipDigestHa1.ComputeMd5("1001", "pbxbridge", TestAgents.PasswordOf("1001"));
        var authorization = DigestAuthenticator.Answer(challenge! with { Qop = null }, "1001", ha1, "REGISTER", "sip:pbxbridge", "unused", 1).ToHeaderValue();
        ua.Send(ua.RegisterText(authorization: authorization));
        Assert.Equal(200, ua.Flow.LastResponse.StatusCode);

        ua.Send(ua.RegisterText(authorization: authorization));

        var refused = ua.Flow.LastResponse;
        Assert.Equal(401, refused.StatusCode);
        Assert.True(DigestChallenge.TryParse(refused.Headers.GetFieldValues(SipHeaderNames.WwwAuthenticate)[^1], out var fresh));
        Assert.True(fresh!.Stale);
        Assert.NotEqual(challenge.Nonce, fresh.Nonce);
    }

    [Fact]
    public void A_register_beyond_the_agents_limit_gets_503_with_retry_after_and_the_existing_ones_stay()
    {
        using var h = new StackHarness(o => o.MaxRegistrationsPerAgent = 2);
        var tab1 = new BrowserUa(h, h.Connect("f1"), "1001");
        var tab2 = new BrowserUa(h, h.Connect("f2"), "1001");
        var tab3 = new BrowserUa(h, h.Connect("f3"), "1001", BrowserFlavor.SipJs);
        Assert.Equal(200, tab1.Register(expires: 600).StatusCode);
        h.Time.Advance(TimeSpan.FromSeconds(100));
        Assert.Equal(200, tab2.Register(expires: 600).StatusCode);

        var refused = tab3.Register(expires: 600);

        Assert.Equal(503, refused.StatusCode);
        Assert.Equal(LimitReasonPhrases.TooManyRegistrations, refused.ReasonPhrase);
        // When the soonest binding (tab1's) expires, unless refreshed.
        Assert.Equal("500", refused.Headers.Get(SipHeaderNames.RetryAfter));
        Assert.Equal(["f1", "f2"], h.Stack.Registrations.Select(r => r.FlowId).Order());
        Assert.Equal(1, h.Stack.Counters.RegistrationsRefused);
    }

    [Fact]
    public void At_the_limit_refreshing_or_leaving_still_works_and_frees_a_place()
    {
        using var h = new StackHarness(o => o.MaxRegistrationsPerAgent = 2);
        var tab1 = new BrowserUa(h, h.Connect("f1"), "1001");
        var tab2 = new BrowserUa(h, h.Connect("f2"), "1001");
        var tab3 = new BrowserUa(h, h.Connect("f3"), "1001");
        tab1.Register();
        tab2.Register();

        Assert.Equal(200, tab1.Register(expires: 900).StatusCode);
        Assert.Equal(200, tab2.Register(expires: 0).StatusCode);
        Assert.Equal(200, tab3.Register().StatusCode);

        Assert.Equal(["f1", "f3"], h.Stack.Registrations.Select(r => r.FlowId).Order());
        Assert.Equal(0, h.Stack.Counters.RegistrationsRefused);
    }

    [Fact]
    public void Expires_below_minimum_gets_423_with_min_expires_and_above_maximum_is_clamped()
    {
        using var h = new StackHarness(o =>
        {
            o.MinExpires = 60;
            o.MaxExpires = 3600;
        });
        var ua = new BrowserUa(h, h.Connect("f1"), "1001");

        var tooBrief = ua.Register(expires: 30);
        Assert.Equal(423, tooBrief.StatusCode);
        Assert.Equal("60", tooBrief.Headers.Get(SipHeaderNames.MinExpires));
        Assert.Empty(h.Stack.Registrations);

        var clamped = ua.Register(expires: 86400);
        Assert.Equal(200, clamped.StatusCode);
        Assert.Equal("3600", Assert.Single(clamped.Contacts).Parameters.Get("expires"));
    }

    [Fact]
    public void Two_tabs_of_one_agent_keep_two_contacts()
    {
        using var h = new StackHarness();
        var tab1 = new BrowserUa(h, h.Connect("f1"), "1001");
        var tab2 = new BrowserUa(h, h.Connect("f2"), "1001", BrowserFlavor.SipJs);

        tab1.Register();
        var ok = tab2.Register();

        Assert.Equal(2, ok.Contacts.Count);
        Assert.Equal(["f1", "f2"], h.Stack.Registrations.Select(r => r.FlowId).Order());
    }

    [Fact]
    public void Unregister_removes_only_that_contact_and_wildcard_removes_all()
    {
        using var h = new StackHarness();
        var tab1 = new BrowserUa(h, h.Connect("f1"), "1001");
        var tab2 = new BrowserUa(h, h.Connect("f2"), "1001");
        tab1.Register();
        tab2.Register();

        var afterUnregister = tab1.Register(expires: 0);

        Assert.Equal(200, afterUnregister.StatusCode);
        Assert.Equal(tab2.ContactUri, Assert.Single(afterUnregister.Contacts).UriText);

        tab2.Send(tab2.RegisterText(expires: 0, contact: "*"));
        var challenge = tab2.Flow.LastResponse;
        tab2.Send(tab2.RegisterText(expires: 0, contact: "*", authorization: tab2.Authorize(challenge, "REGISTER", "sip:pbxbridge")));

        Assert.Equal(200, tab2.Flow.LastResponse.StatusCode);
        Assert.Empty(h.Stack.Registrations);
    }

    [Fact]
    public void Binding_expires_when_not_refreshed()
    {
        using var h = new StackHarness();
        var ua = new BrowserUa(h, h.Connect("f1"), "1001");
        ua.Register(expires: 120);

        h.Time.Advance(TimeSpan.FromSeconds(119));
        Assert.Single(h.Stack.Registrations);

        h.Time.Advance(TimeSpan.FromSeconds(2));
        Assert.Empty(h.Stack.Registrations);
    }

    [Fact]
    public void Closing_the_flow_ends_its_registrations_only()
    {
        using var h = new StackHarness();
        var tab1 = new BrowserUa(h, h.Connect("f1"), "1001");
        var tab2 = new BrowserUa(h, h.Connect("f2"), "1001");
        tab1.Register();
        tab2.Register();

        h.Stack.OnFlowClosed(tab1.Flow);

        Assert.Equal("f2", Assert.Single(h.Stack.Registrations).FlowId);
        Assert.Equal(1, h.Stack.Counters.Connections);
    }

    [Fact]
    public void Agent_cannot_register_another_agents_address()
    {
        using var h = new StackHarness();
        var ua = new BrowserUa(h, h.Connect("f1"), "1001");
        ua.Send(ua.RegisterText());
        var challenge = ua.Flow.LastResponse;
        var impostor = new BrowserUa(h, ua.Flow, "1002");
        var credentialsOf1002 = impostor.Authorize(challenge, "REGISTER", "sip:pbxbridge");

        ua.Send(ua.RegisterText(authorization: credentialsOf1002));

        Assert.Equal(403, ua.Flow.LastResponse.StatusCode);
        Assert.Empty(h.Stack.Registrations);
    }
}
