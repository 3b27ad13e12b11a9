using PbxBridge.Sip.Message;

namespace PbxBridge.Sip.Tests.Message;

public sealed class Rfc4475TortureTests
{
    public static TheoryData<string> ValidNames => [.. Rfc4475Messages.Valid];

    public static TheoryData<string, int> InvalidRequestNames
    {
        get
        {
            var data = new TheoryData<string, int>();
            foreach (var (name, status) in Rfc4475Messages.InvalidRequests)
            {
                data.Add(name, status);
            }

            return data;
        }
    }

    public static TheoryData<string> InvalidResponseNames => [.. Rfc4475Messages.InvalidResponses];

    [Theory]
    [MemberData(nameof(ValidNames))]
    public void Valid_torture_message_parses(string name)
    {
        var result = SipParser.Parse(Rfc4475Messages.Wire(name));

        Assert.True(result.Success, name + ": " + result.Error);
    }

    [Theory]
    [MemberData(nameof(InvalidRequestNames))]
    public void Invalid_torture_request_is_answered_with_an_error(string name, int status)
    {
        var result = SipParser.Parse(Rfc4475Messages.Wire(name));

        Assert.False(result.Success, name + " was accepted");
        Assert.Equal(status, result.ErrorStatusCode);
        Assert.NotNull(result.Rejectable);
        Assert.False(string.IsNullOrWhiteSpace(result.Error));
    }

    [Theory]
    [MemberData(nameof(InvalidResponseNames))]
    public void Invalid_torture_response_is_dropped(string name)
    {
        var result = SipParser.Parse(Rfc4475Messages.Wire(name));

        Assert.False(result.Success);
        Assert.Null(result.Rejectable);
    }

    [Fact]
    public void Wsinv_unfolds_headers_and_reads_compact_forms()
    {
        var request = Assert.IsType<SipRequest>(SipParser.Parse(Rfc4475Messages.Wire("wsinv")).Message);

        Assert.Equal("INVITE", request.Method);
        Assert.Equal(3, request.Vias.Count);
        Assert.Equal("192.0.2.2", request.Vias[0].Host);
        Assert.Equal("UDP", request.Vias[0].Transport);
        Assert.Equal("z9hG4bK9ikj8", request.Vias[1].Branch);
        Assert.Equal("TCP", request.Vias[1].Transport);
        Assert.Equal("z9hG4bK30239", request.Vias[2].Branch);
        Assert.Equal("1918181833n", request.To!.Tag);
        Assert.Equal("J Rosenberg \\\"", request.From!.DisplayName);
        Assert.Equal("98asjd8", request.From.Tag);
        Assert.Equal(new CSeq(9, "INVITE"), request.CSeq);
        Assert.Equal("wsinv.ndaksdj@192.0.2.1", request.CallId);
        Assert.Equal(150, request.Body.Length);
        var contact = Assert.Single(request.Contacts);
        Assert.Equal("Quoted string \"\"", contact.DisplayName);
        Assert.Equal("newvalue", contact.Parameters.Get("newparam"));
        Assert.Equal(string.Empty, contact.Parameters.Get("secondparam"));
        Assert.Equal("0.33", contact.Parameters.Get("q"));
        Assert.Equal("newfangled value continued newfangled value", request.Headers.Get("NewFangledHeader"));
        Assert.Equal(";;,,;;,;", request.Headers.Get("UnknownHeaderWithUnusualValue"));
        Assert.Equal(string.Empty, request.Headers.Get("Subject"));
    }

    [Fact]
    public void Intmeth_keeps_unusual_method_uri_and_quoted_controls()
    {
        var request = Assert.IsType<SipRequest>(SipParser.Parse(Rfc4475Messages.Wire("intmeth")).Message);

        Assert.Equal("!interesting-Method0123456789_*+`.%indeed'~", request.Method);
        var uri = request.RequestSipUri!;
        Assert.Equal("1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*", uri.User);
        Assert.Equal("example.com", uri.Host);
        Assert.Equal("BEL:\u0007 NUL:\0 DEL:\u007f", request.To!.DisplayName);
        Assert.Equal("_token~1'+`*%!-.", request.From!.Tag);
        Assert.Equal("token1~` token2'+_ token3*%!.-", request.From.DisplayName);
        Assert.Equal("\"работающий\"", request.From.Parameters.Get("fromParam''~+*_!.-%"));
        Assert.Equal("intmeth.word%ZK-!.*_+'@word`~)(><:\\/\"][?}{", request.CallId);
    }

    [Fact]
    public void Esc01_unescapes_user_parts_but_not_recursively()
    {
        var request = Assert.IsType<SipRequest>(SipParser.Parse(Rfc4475Messages.Wire("esc01")).Message);

        Assert.Equal("sips:user@example.com", request.RequestSipUri!.User);
        Assert.Equal("user", request.To!.Uri!.User);
        Assert.Equal("I have spaces", request.From!.Uri!.User);
        var contact = Assert.Single(request.Contacts).Uri!;
        Assert.Equal("caller", contact.User);
        Assert.Equal("value%41", contact.Parameters.Get("name"));
        Assert.True(contact.Parameters.Contains("lr"));
    }

    [Fact]
    public void Escnull_keeps_escaped_nulls_and_two_contacts()
    {
        var request = Assert.IsType<SipRequest>(SipParser.Parse(Rfc4475Messages.Wire("escnull")).Message);

        Assert.Equal("null-\0-null", request.To!.Uri!.User);
        Assert.Equal(["\0", "\0\0"], request.Contacts.Select(c => c.Uri!.User));
    }

    [Fact]
    public void Esc02_percent_in_method_and_header_name_is_literal()
    {
        var request = Assert.IsType<SipRequest>(SipParser.Parse(Rfc4475Messages.Wire("esc02")).Message);

        Assert.Equal("RE%47IST%45R", request.Method);
        Assert.Equal(2, request.Contacts.Count);
        Assert.Equal("<sip:alias2@host2.example.com>", request.Headers.Get("C%6Fntact"));
        Assert.Equal("%Z%45", request.To!.DisplayName);
    }

    [Fact]
    public void Longreq_reads_34_vias_in_all_spellings()
    {
        var request = Assert.IsType<SipRequest>(SipParser.Parse(Rfc4475Messages.Wire("longreq")).Message);

        Assert.Equal(34, request.Vias.Count);
        Assert.Equal("sip33.example.com", request.Vias[0].Host);
        Assert.Equal("sip1.example.com", request.Vias[32].Host);
        Assert.Equal("192.0.2.5", request.Vias[33].Parameters.Get("received"));
        Assert.Equal(6000, request.To!.Uri!.Port);
    }

    [Fact]
    public void Dblreq_ignores_octets_after_content_length()
    {
        var request = Assert.IsType<SipRequest>(SipParser.Parse(Rfc4475Messages.Wire("dblreq")).Message);

        Assert.Equal("REGISTER", request.Method);
        Assert.Empty(request.Body);
    }

    [Fact]
    public void Semiuri_user_part_keeps_its_semicolon()
    {
        var request = Assert.IsType<SipRequest>(SipParser.Parse(Rfc4475Messages.Wire("semiuri")).Message);

        Assert.Equal("user;par=u@example.net", request.RequestSipUri!.User);
        Assert.Equal(6, request.Headers.GetList("Accept").Count);
    }

    [Fact]
    public void Mpart01_body_with_nul_octets_is_framed_by_content_length()
    {
        var request = Assert.IsType<SipRequest>(SipParser.Parse(Rfc4475Messages.Wire("mpart01")).Message);

        Assert.Contains((byte)0, request.Body);
        Assert.Equal(int.Parse(request.Headers.Get("Content-Length")!, System.Globalization.CultureInfo.InvariantCulture), request.Body.Length);
    }

    [Fact]
    public void Unreason_and_noreason_keep_their_reason_phrases()
    {
        var unreason = Assert.IsType<SipResponse>(SipParser.Parse(Rfc4475Messages.Wire("unreason")).Message);
        var noreason = Assert.IsType<SipResponse>(SipParser.Parse(Rfc4475Messages.Wire("noreason")).Message);

        Assert.Equal(200, unreason.StatusCode);
        Assert.Equal("= 2**3 * 5**2 но сто девяносто девять - простое", unreason.ReasonPhrase);
        Assert.Equal(100, noreason.StatusCode);
        Assert.Equal(string.Empty, noreason.ReasonPhrase);
    }

    [Fact]
    public void Transports_accepts_unknown_via_transports()
    {
        var request = Assert.IsType<SipRequest>(SipParser.Parse(Rfc4475Messages.Wire("transports")).Message);

        Assert.Equal(["UDP", "SCTP", "TLS", "UNKNOWN", "TCP"], request.Vias.Select(v => v.Transport));
    }

    [Fact]
    public void Unknown_uri_schemes_are_kept_as_text()
    {
        var unksm2 = Assert.IsType<SipRequest>(SipParser.Parse(Rfc4475Messages.Wire("unksm2")).Message);
        var novelsc = Assert.IsType<SipRequest>(SipParser.Parse(Rfc4475Messages.Wire("novelsc")).Message);

        Assert.Equal("isbn:2983792873", unksm2.To!.UriText);
        Assert.Null(unksm2.To.Uri);
        Assert.Equal("soap.beep://192.0.2.103:3002", novelsc.RequestUri);
        Assert.Null(novelsc.RequestSipUri);
    }

    [Fact]
    public void Error_reason_names_the_problem()
    {
        Assert.Equal("CSeq method does not match the Request-Line", SipParser.Parse(Rfc4475Messages.Wire("mismatch01")).Error);
        Assert.Equal("Content-Length larger than message", SipParser.Parse(Rfc4475Messages.Wire("clerr")).Error);
        Assert.Equal("Version Not Supported", SipParser.Parse(Rfc4475Messages.Wire("badvers")).Error);
    }
}
