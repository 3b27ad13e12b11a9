using PbxBridge.Asterisk.Tests.Support;
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
}
