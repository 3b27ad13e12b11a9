using PbxBridge.Sip.Tests.Calls;
using PbxBridge.Sip.Tests.Support;

namespace PbxBridge.Sip.Tests.Stack;

public sealed class SipStackCycleTests
{
    [Fact]
    public void Two_hundred_register_invite_bye_cycles_on_one_connection_leave_nothing_behind()
    {
        using var h = new StackHarness();
        var ua = new BrowserUa(h, h.Connect("ws-1"), "1001");
        var ended = 0;
        h.Handler.OnCall = c =>
        {
            c.Ended += _ => ended++;
            c.SendRinging();
            c.Accept(SipIncomingCallTests.Answer);
        };

        for (var i = 0; i < 200; i++)
        {
            Assert.Equal(200, ua.Register().StatusCode);
            var call = ua.InviteAndAck("600", SipIncomingCallTests.Offer);
            ua.InDialog(call, "BYE", call.CSeq + 1);
            Assert.Equal(200, ua.Flow.Responses("BYE").Last().StatusCode);
            ua.Flow.Clear();
            h.Time.Advance(TimeSpan.FromSeconds(1));
        }

        Assert.Equal(200, ended);
        Assert.Equal(0, h.Stack.Counters.Dialogs);
        Assert.Equal(0, h.Stack.Counters.Transactions);
        Assert.Equal(0, h.Stack.Counters.Timers);
        Assert.Single(h.Stack.Registrations);

        h.Stack.OnFlowClosed(ua.Flow);
        Assert.Empty(h.Stack.Registrations);
        Assert.Equal(0, h.Stack.Counters.Connections);
    }
}
