using System.Text;
using PbxBridge.Sip.Message;
using PbxBridge.Sip.Tests.Message;
using PbxBridge.Sip.Tests.Support;

namespace PbxBridge.Sip.Tests.Stack;

public sealed class SipStackRequestTests
{
    private static string Request(string method, string ruri = "sip:pbxbridge", string extra = "", string branch = "z9hG4bK776asdhds") =>
        method + " " + ruri + " SIP/2.0\r\n" +
        "Via: SIP/2.0/WSS df7jal23ls0d.invalid;branch=" + branch + "\r\n" +
        "Max-Forwards: 70\r\nTo: <sip:1001@pbxbridge>\r\nFrom: <sip:1001@pbxbridge>;tag=1928301774\r\n" +
        "Call-ID: a84b4c76e66710\r\nCSeq: 314159 " + method + "\r\n" + extra + "Content-Length: 0\r\n\r\n";

    private static SipResponse Send(StackHarness h, TestFlow flow, string text)
    {
        h.Stack.OnMessageReceived(flow, Encoding.UTF8.GetBytes(text));
        return flow.LastResponse;
    }

    [Fact]
    public void Options_is_answered_200_with_allow_and_accept()
    {
        using var h = new StackHarness();
        var response = Send(h, h.Connect("f1"), Request("OPTIONS"));

        Assert.Equal(200, response.StatusCode);
        Assert.Contains("INVITE", response.Headers.Get(SipHeaderNames.Allow), StringComparison.Ordinal);
        Assert.Equal("application/sdp", response.Headers.Get(SipHeaderNames.Accept));
    }

    [Theory]
    [InlineData("MESSAGE", 405)]
    [InlineData("SUBSCRIBE", 489)]
    [InlineData("NOTIFY", 405)]
    [InlineData("FROBNICATE", 501)]
    [InlineData("BYE", 481)]
    public void Methods_we_do_not_serve_are_refused_not_ignored(string method, int status)
    {
        using var h = new StackHarness();

        Assert.Equal(status, Send(h, h.Connect("f1"), Request(method)).StatusCode);
        Assert.Equal(0, h.Stack.Counters.Transactions);
    }

    [Fact]
    public void Unknown_require_gets_420_with_unsupported()
    {
        using var h = new StackHarness();

        var response = Send(h, h.Connect("f1"), Request("OPTIONS", extra: "Require: nothingSupportsThis, timer\r\n"));

        Assert.Equal(420, response.StatusCode);
        Assert.Equal("nothingSupportsThis", response.Headers.Get(SipHeaderNames.Unsupported));
    }

    [Fact]
    public void Non_sip_request_uri_gets_416()
    {
        using var h = new StackHarness();

        Assert.Equal(416, Send(h, h.Connect("f1"), Rfc4475Text("unkscm")).StatusCode);
    }

    [Fact]
    public void Malformed_request_gets_400_with_the_reason_and_the_flow_keeps_working()
    {
        using var h = new StackHarness();
        var flow = h.Connect("f1");

        var bad = Send(h, flow, Request("OPTIONS").Replace("CSeq: 314159 OPTIONS", "CSeq: 314159 INVITE", StringComparison.Ordinal));

        Assert.Equal(400, bad.StatusCode);
        Assert.Equal("CSeq method does not match the Request-Line", bad.ReasonPhrase);
        Assert.Equal(1, h.Stack.Counters.ParseFailures);
        Assert.Equal(200, Send(h, flow, Request("OPTIONS", branch: "z9hG4bKnext")).StatusCode);
    }

    [Fact]
    public void Garbage_and_unanswerable_input_is_dropped_silently()
    {
        using var h = new StackHarness();
        var flow = h.Connect("f1");

        h.Stack.OnMessageReceived(flow, "\u0001\u0002 not sip at all\r\n\r\n"u8);
        h.Stack.OnMessageReceived(flow, Rfc4475Messages.Wire("bigcode"));
        h.Stack.OnMessageReceived(flow, ReadOnlySpan<byte>.Empty);

        Assert.Empty(flow.Sent);
        Assert.Equal(3, h.Stack.Counters.ParseFailures);
    }

    [Fact]
    public void Retransmitted_request_gets_the_same_response_from_the_transaction()
    {
        using var h = new StackHarness();
        var flow = h.Connect("f1", reliable: false);

        Send(h, flow, Request("OPTIONS"));
        Send(h, flow, Request("OPTIONS"));

        Assert.Equal(2, flow.Responses("OPTIONS").Count);
        Assert.Equal(flow.Responses("OPTIONS")[0].To!.Tag, flow.Responses("OPTIONS")[1].To!.Tag);
        Assert.Equal(1, h.Stack.Counters.Transactions);

        // Timer J (64*T1 over UDP) then ends it.
        h.Time.Advance(TimeSpan.FromSeconds(33));
        Assert.Equal(0, h.Stack.Counters.Transactions);
        Assert.Equal(0, h.Stack.Counters.Timers);
    }

    [Fact]
    public void Rfc2543_request_without_branch_is_answered_statelessly()
    {
        using var h = new StackHarness();

        var response = Send(h, h.Connect("f1"), Request("OPTIONS", branch: "oldstyle"));

        Assert.Equal(400, response.StatusCode);
        Assert.Equal(0, h.Stack.Counters.Transactions);
    }

    private static string Rfc4475Text(string name) => Encoding.UTF8.GetString(Rfc4475Messages.Wire(name));
}
