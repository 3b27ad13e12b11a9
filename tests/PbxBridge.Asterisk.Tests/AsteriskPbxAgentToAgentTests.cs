using PbxBridge.Asterisk.Tests.Support;
using PbxBridge.Calls.Pbx;
using PbxBridge.Pbx.Contract;

namespace PbxBridge.Asterisk.Tests;

/// <summary>
/// An agent dialing another agent: PbxBridge originates Local/1002@pbxbridge-outbound, and the shipped dialplan sends
/// that Local channel's ;2 half (our id "{key}-far2") into Stasis(pbxbridge,agent=1002) of our own app.
/// </summary>
public sealed class AsteriskPbxAgentToAgentTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task Agent_dialing_an_agent_rings_the_callee_and_once_answered_the_callers_audio_reaches_the_callee()
    {
        await using var bed = await AsteriskTestBed.StartAsync();
        var caller = new RecordingObserver();
        var leg = await bed.Pbx.PlaceCallAsync(bed.Call("1002", caller), CancellationToken.None);

        var inbound = await bed.Inbound.Calls.Reader.ReadAsync().AsTask().WaitAsync(Wait);
        Assert.Equal("1002", inbound.AgentId);
        Assert.Equal("1001", inbound.CallerNumber);
        Assert.Equal(leg.Details["channel"] + "2", inbound.PbxId);
        var callee = new RecordingObserver();
        inbound.Attach(callee);
        await inbound.RingAsync(CancellationToken.None);
        await caller.Ringing.Task.WaitAsync(Wait);
        Assert.False(caller.Answered.Task.IsCompleted);

        await using var calleeRtp = new RtpProbe();
        await inbound.AnswerAsync(new PbxMediaOffer(calleeRtp.LocalEndPoint, PbxCodec.Pcmu), CancellationToken.None);
        await caller.Answered.Task.WaitAsync(Wait);
        var callerRemote = await caller.MediaReady.Task.WaitAsync(Wait);
        var payload = Enumerable.Range(0, 160).Select(i => (byte)i).ToArray();
        for (var i = 0; i < 10; i++)
        {
            bed.Rtp.SendPcmu(callerRemote, payload);
        }

        Assert.True(await calleeRtp.WaitForPacketsAsync(10, Wait));
        Assert.All(calleeRtp.Received, p => Assert.Equal(payload, p.Packet.AsSpan(12).ToArray()));

        await leg.HangupAsync(PbxCause.NormalClearing, CancellationToken.None);

        Assert.Equal(PbxCause.NormalClearing, await callee.HungUp.Task.WaitAsync(Wait));
        Assert.True(await bed.NothingLeftAsync(), string.Join(",", bed.Sim.ChannelIds.Concat(bed.Sim.BridgeIds)));
        Assert.True(await bed.Sim.WaitUntilAsync(_ => bed.Pbx.ActiveCalls == 0, Wait));
    }

    [Fact]
    public async Task Callee_agent_rejecting_gives_the_caller_its_cause()
    {
        await using var bed = await AsteriskTestBed.StartAsync();
        bed.Inbound.OnCall = call => _ = call.RejectAsync(PbxCause.UserBusy, CancellationToken.None);
        var caller = new RecordingObserver();

        await bed.Pbx.PlaceCallAsync(bed.Call("1002", caller), CancellationToken.None);

        Assert.Equal(PbxCause.UserBusy, await caller.HungUp.Task.WaitAsync(Wait));
        Assert.False(caller.Answered.Task.IsCompleted);
        Assert.True(await bed.NothingLeftAsync(), string.Join(",", bed.Sim.ChannelIds.Concat(bed.Sim.BridgeIds)));
    }

    /// <summary>
    /// Either agent's hold is the other's far-party hold: Asterisk says nothing through a Local channel (no ChannelHold,
    /// recorded in far-party-hold-through-local.jsonl), so the adapter tells the other call itself.
    /// </summary>
    [Fact]
    public async Task Each_agents_hold_reaches_the_other_agents_call_as_the_far_partys_hold()
    {
        await using var bed = await AsteriskTestBed.StartAsync();
        var caller = new RecordingObserver();
        var leg = await bed.Pbx.PlaceCallAsync(bed.Call("1002", caller), CancellationToken.None);
        var inbound = await bed.Inbound.Calls.Reader.ReadAsync().AsTask().WaitAsync(Wait);
        var callee = new RecordingObserver();
        inbound.Attach(callee);
        await using var calleeRtp = new RtpProbe();
        await inbound.AnswerAsync(new PbxMediaOffer(calleeRtp.LocalEndPoint, PbxCodec.Pcmu), CancellationToken.None);
        await caller.Answered.Task.WaitAsync(Wait);

        await inbound.HoldAsync(CancellationToken.None);
        Assert.True(await caller.Holds.Reader.ReadAsync().AsTask().WaitAsync(Wait));
        await inbound.UnholdAsync(CancellationToken.None);
        Assert.False(await caller.Holds.Reader.ReadAsync().AsTask().WaitAsync(Wait));

        await leg.HoldAsync(CancellationToken.None);
        Assert.True(await callee.Holds.Reader.ReadAsync().AsTask().WaitAsync(Wait));
        await leg.UnholdAsync(CancellationToken.None);
        Assert.False(await callee.Holds.Reader.ReadAsync().AsTask().WaitAsync(Wait));

        // Neither side heard of its own hold.
        Assert.Equal(2, caller.Events.Count(e => e.StartsWith("hold ", StringComparison.Ordinal)));
        Assert.Equal(2, callee.Events.Count(e => e.StartsWith("hold ", StringComparison.Ordinal)));

        await leg.HangupAsync(PbxCause.NormalClearing, CancellationToken.None);
        Assert.True(await bed.NothingLeftAsync(), string.Join(",", bed.Sim.ChannelIds.Concat(bed.Sim.BridgeIds)));
    }
}
