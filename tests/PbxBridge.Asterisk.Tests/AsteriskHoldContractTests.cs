using PbxBridge.Asterisk.Tests.Support;
using PbxBridge.Calls.Pbx;
using PbxBridge.Pbx.Contract;

namespace PbxBridge.Asterisk.Tests;

/// <summary>
/// An agent's hold and resume reach Asterisk as it receives them: music on hold started and stopped on the far
/// party's channel (POST then DELETE /channels/{id}/moh), so the far party hears it; on calls either way.
/// </summary>
public sealed class AsteriskHoldContractTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task Hold_and_resume_of_an_agent_call_start_then_stop_music_on_hold_on_the_far_channel()
    {
        await using var bed = await AsteriskTestBed.StartAsync();
        var observer = new RecordingObserver();
        var leg = await bed.Pbx.PlaceCallAsync(bed.Call("601", observer), CancellationToken.None);
        await observer.Answered.Task.WaitAsync(Wait);

        await leg.HoldAsync(CancellationToken.None);
        await leg.UnholdAsync(CancellationToken.None);

        Assert.Equal([$"POST /channels/{leg.PbxId}/moh", $"DELETE /channels/{leg.PbxId}/moh"], bed.Sim.HoldRequests);
    }

    [Fact]
    public async Task Hold_and_resume_of_a_call_to_an_agent_start_then_stop_music_on_hold_on_the_callers_channel()
    {
        await using var bed = await AsteriskTestBed.StartAsync();
        var channelId = bed.Sim.InjectInboundCall("1001", "5551234", "Customer");
        var call = await bed.Inbound.Calls.Reader.ReadAsync().AsTask().WaitAsync(Wait);
        var observer = new RecordingObserver();
        call.Attach(observer);
        await call.AnswerAsync(bed.Media(), CancellationToken.None);
        await observer.Answered.Task.WaitAsync(Wait);

        await call.HoldAsync(CancellationToken.None);
        var held = bed.Sim.HasMusicOnHold(channelId);
        await call.UnholdAsync(CancellationToken.None);

        Assert.True(held);
        Assert.False(bed.Sim.HasMusicOnHold(channelId));
        Assert.Equal([$"POST /channels/{channelId}/moh", $"DELETE /channels/{channelId}/moh"], bed.Sim.HoldRequests);
    }

    /// <summary>
    /// A queue caller holds its own channel, which is bridged with the member's Local ;1 half and not in our app: once
    /// the agent answered, the adapter subscribes to it, relays its ChannelHold and ChannelUnhold as the far party's,
    /// and withdraws the subscription when the call ends.
    /// </summary>
    [Fact]
    public async Task A_queue_callers_own_hold_and_resume_reach_the_agent_through_a_subscription_withdrawn_at_the_end()
    {
        await using var bed = await AsteriskTestBed.StartAsync();
        var (_, callerId) = bed.Sim.InjectQueueCall("1001");
        var call = await bed.Inbound.Calls.Reader.ReadAsync().AsTask().WaitAsync(Wait);
        var observer = new RecordingObserver();
        call.Attach(observer);
        await call.AnswerAsync(bed.Media(), CancellationToken.None);
        await observer.Answered.Task.WaitAsync(Wait);
        Assert.True(
            await UntilAsync(() => bed.Sim.ChannelSubscriptions.Contains("pbxbridge channel:" + callerId)),
            "the adapter never subscribed to the caller: " + string.Join(", ", bed.Sim.ChannelSubscriptions));

        bed.Sim.HoldFromDevice(callerId, held: true);
        Assert.True(await observer.Holds.Reader.ReadAsync().AsTask().WaitAsync(Wait));
        bed.Sim.HoldFromDevice(callerId, held: false);
        Assert.False(await observer.Holds.Reader.ReadAsync().AsTask().WaitAsync(Wait));

        await call.HangupAsync(PbxCause.NormalClearing, CancellationToken.None);
        Assert.True(
            await UntilAsync(() => bed.Sim.ChannelSubscriptions.Count == 0),
            "left subscribed: " + string.Join(", ", bed.Sim.ChannelSubscriptions));
    }

    private static async Task<bool> UntilAsync(Func<bool> condition)
    {
        for (var deadline = DateTime.UtcNow + Wait; DateTime.UtcNow < deadline; await Task.Delay(50))
        {
            if (condition())
            {
                return true;
            }
        }

        return condition();
    }
}
