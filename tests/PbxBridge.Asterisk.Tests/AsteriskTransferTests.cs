using PbxBridge.Asterisk.Tests.Support;
using PbxBridge.Calls.Pbx;
using PbxBridge.Pbx.Contract;

namespace PbxBridge.Asterisk.Tests;

/// <summary>
/// Transfers against the ARI simulator: blind (the target is originated into the app and joins the far party in the
/// call's bridge only once it answered; a busy or missing target leaves the call as it was, with its cause) and
/// attended (the consultation's far channel moves into the first call's bridge). Afterwards the call lives on without
/// PbxBridge's media and is cleaned up when one of the two parties hangs up.
/// </summary>
public sealed class AsteriskTransferTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task Blind_transfer_bridges_the_answered_target_with_the_far_party_and_takes_our_media_out()
    {
        await using var bed = await AsteriskTestBed.StartAsync();
        var observer = new RecordingObserver();
        var leg = await bed.Pbx.PlaceCallAsync(bed.Call("601", observer), CancellationToken.None);
        await observer.Answered.Task.WaitAsync(Wait);
        var bridge = leg.Details["bridge"];
        var target = bridge + "-xfer1";

        await leg.TransferAsync("600", CancellationToken.None);

        Assert.Equal(bridge, bed.Sim.BridgeOf(leg.PbxId));
        Assert.Equal(bridge, bed.Sim.BridgeOf(target));
        Assert.True(await bed.Sim.WaitUntilAsync(s => s.StateOf(leg.Details["externalMediaChannel"]) is null, Wait));

        // The Calls room lets go of the leg: the two parties stay connected.
        await leg.HangupAsync(PbxCause.NormalClearing, CancellationToken.None);
        Assert.Equal(bridge, bed.Sim.BridgeOf(leg.PbxId));

        // One of them hangs up: the other goes too, and nothing is left.
        bed.Sim.HangupFromPbx(target);
        Assert.True(await bed.NothingLeftAsync());
    }

    [Theory]
    [InlineData("603", 17)] // busy
    [InlineData("4999", 1)] // no such extension: cause 0 on both halves, read as unallocated
    public async Task Blind_transfer_to_a_target_that_fails_throws_its_cause_and_leaves_the_call_as_it_was(string destination, int q850)
    {
        await using var bed = await AsteriskTestBed.StartAsync();
        var observer = new RecordingObserver();
        var leg = await bed.Pbx.PlaceCallAsync(bed.Call("601", observer), CancellationToken.None);
        await observer.Answered.Task.WaitAsync(Wait);

        var failure = await Assert.ThrowsAsync<PbxCallFailedException>(() => leg.TransferAsync(destination, CancellationToken.None));

        Assert.Equal(q850, failure.Cause.Q850);
        Assert.Equal(leg.Details["bridge"], bed.Sim.BridgeOf(leg.Details["externalMediaChannel"]));
        Assert.Equal(leg.Details["bridge"], bed.Sim.BridgeOf(leg.PbxId));
        Assert.False(observer.HungUp.Task.IsCompleted);

        await leg.HangupAsync(PbxCause.NormalClearing, CancellationToken.None);
        Assert.True(await bed.NothingLeftAsync());
    }

    [Fact]
    public async Task Attended_transfer_moves_the_consultations_far_party_into_the_first_calls_bridge()
    {
        await using var bed = await AsteriskTestBed.StartAsync();
        var first = new RecordingObserver();
        var consultation = new RecordingObserver();
        var a = await bed.Pbx.PlaceCallAsync(bed.Call("601", first), CancellationToken.None);
        var b = await bed.Pbx.PlaceCallAsync(bed.Call("600", consultation), CancellationToken.None);
        await first.Answered.Task.WaitAsync(Wait);
        await consultation.Answered.Task.WaitAsync(Wait);
        await a.HoldAsync(CancellationToken.None);

        await a.JoinAsync(b, CancellationToken.None);

        Assert.Equal(a.Details["bridge"], bed.Sim.BridgeOf(b.PbxId));
        Assert.Equal(a.Details["bridge"], bed.Sim.BridgeOf(a.PbxId));
        Assert.False(bed.Sim.HasMusicOnHold(a.PbxId));
        Assert.Equal(PbxCause.NormalClearing, await consultation.HungUp.Task.WaitAsync(Wait));
        Assert.True(await bed.Sim.WaitUntilAsync(s => s.StateOf(a.Details["externalMediaChannel"]) is null && s.StateOf(b.Details["externalMediaChannel"]) is null, Wait));

        await a.HangupAsync(PbxCause.NormalClearing, CancellationToken.None);
        await b.HangupAsync(PbxCause.NormalClearing, CancellationToken.None);
        Assert.Equal(a.Details["bridge"], bed.Sim.BridgeOf(b.PbxId));

        bed.Sim.HangupFromPbx(a.PbxId);
        Assert.True(await bed.NothingLeftAsync());
    }
}
