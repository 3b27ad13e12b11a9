using PbxBridge.Asterisk.Ari;
using PbxBridge.Asterisk.Tests.Support;
using PbxBridge.Calls.Pbx;
using PbxBridge.Pbx.Contract;

namespace PbxBridge.Asterisk.Tests;

public sealed class AsteriskPbxInboundTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task Stasis_call_for_an_agent_rings_answers_and_carries_the_callers_tone()
    {
        await using var bed = await AsteriskTestBed.StartAsync();
        var channelId = bed.Sim.InjectInboundCall("1001", "5551234", "Customer");

        var call = await bed.Inbound.Calls.Reader.ReadAsync().AsTask().WaitAsync(Wait);
        Assert.Equal("1001", call.AgentId);
        Assert.Equal("5551234", call.CallerNumber);
        Assert.Equal("Customer", call.CallerName);
        Assert.Equal(channelId, call.PbxId);

        var observer = new RecordingObserver();
        call.Attach(observer);
        await call.RingAsync(CancellationToken.None);
        Assert.True(bed.Sim.RingingIndicated(channelId));

        await call.AnswerAsync(bed.Media(), CancellationToken.None);

        Assert.Equal("Up", bed.Sim.StateOf(channelId));
        var remote = await observer.MediaReady.Task.WaitAsync(Wait);
        Assert.Equal(bed.Sim.FirstExternalMedia()!.LocalEndPoint, remote);
        await observer.Answered.Task.WaitAsync(Wait);
        Assert.True(await bed.Rtp.WaitForPacketsAsync(25, Wait));
        Assert.True(bed.Rtp.ToneRatio(1004) > 0.8);

        bed.Sim.HangupFromPbx(channelId, 16);

        Assert.Equal(PbxCause.NormalClearing, await observer.HungUp.Task.WaitAsync(Wait));
        Assert.True(await bed.NothingLeftAsync(), string.Join(",", bed.Sim.ChannelIds.Concat(bed.Sim.BridgeIds)));
    }

    [Fact]
    public async Task Answer_waits_for_the_externalmedia_channels_StasisStart_before_bridging_it()
    {
        await using var bed = await AsteriskTestBed.StartAsync(simulator: o => o.ExternalMediaStasisStartDelay = TimeSpan.FromMilliseconds(700));
        var channelId = bed.Sim.InjectInboundCall("1001");
        var call = await bed.Inbound.Calls.Reader.ReadAsync().AsTask().WaitAsync(Wait);
        var observer = new RecordingObserver();
        call.Attach(observer);

        await call.AnswerAsync(bed.Media(), CancellationToken.None);

        await observer.Answered.Task.WaitAsync(Wait);
        Assert.Equal(bed.Sim.BridgeOf(channelId), bed.Sim.BridgeOf(call.Details["externalMediaChannel"]));
        Assert.True(await bed.Rtp.WaitForPacketsAsync(25, Wait));
        await call.HangupAsync(PbxCause.NormalClearing, CancellationToken.None);
        Assert.True(await bed.NothingLeftAsync());
    }

    [Fact]
    public async Task Agent_without_registration_is_rejected_at_once_with_cause_20()
    {
        await using var bed = await AsteriskTestBed.StartAsync();
        var rejected = new TaskCompletionSource<Task>();
        bed.Inbound.OnCall = call => rejected.SetResult(call.RejectAsync(PbxCause.SubscriberAbsent, CancellationToken.None));

        bed.Sim.InjectInboundCall("1002");

        await (await rejected.Task.WaitAsync(Wait)).WaitAsync(Wait);
        Assert.True(await bed.NothingLeftAsync());
    }

    [Fact]
    public async Task Caller_hanging_up_while_ringing_is_replayed_to_an_observer_attached_later()
    {
        await using var bed = await AsteriskTestBed.StartAsync();
        var channelId = bed.Sim.InjectInboundCall("1001");
        var call = await bed.Inbound.Calls.Reader.ReadAsync().AsTask().WaitAsync(Wait);

        bed.Sim.HangupFromPbx(channelId, 16);
        await bed.Sim.WaitUntilAsync(_ => bed.Pbx.ActiveCalls == 0, Wait);
        var observer = new RecordingObserver();
        call.Attach(observer);

        Assert.Equal(PbxCause.NormalClearing, await observer.HungUp.Task.WaitAsync(Wait));
        Assert.True(await bed.NothingLeftAsync());
    }

    [Fact]
    public async Task Stasis_entry_without_an_agent_argument_is_returned_to_the_dialplan()
    {
        await using var bed = await AsteriskTestBed.StartAsync();
        using var client = new AriClient(AsteriskTestBed.OptionsFor(bed.Sim));

        // An originate straight into the app with no agent= argument, as a misconfigured dialplan would do.
        var channel = await client.OriginateAsync(new OriginateRequest("Local/601@somewhere", "pbxbridge") { AppArgs = "sip,601" });

        Assert.True(await bed.Sim.WaitUntilAsync(s => s.ContinuedTo(channel.Id) is not null, Wait));
        Assert.Equal(0, bed.Pbx.ActiveCalls);
    }
}
