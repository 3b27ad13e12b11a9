using PbxBridge.Browser.Simulator.Media;

namespace PbxBridge.LoadGen.Tests;

/// <summary>
/// The one sending thread of the load generator's legs: removing a leg must not return while the pacer is still inside
/// that leg's send, because the caller disposes the leg's SRTP context right after (a 100-call run died with
/// ObjectDisposedException from SrtpContext.Protect on the pacer thread).
/// </summary>
public sealed class MediaPacerTests
{
    [Fact]
    public async Task Remove_returns_only_after_the_pass_that_is_sending_on_the_leg_has_finished()
    {
        using var pacer = new MediaPacer();
        using var inSend = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var sends = 0;
        void SendFrame()
        {
            if (Interlocked.Increment(ref sends) == 1)
            {
                inSend.Set();
                release.Wait(TimeSpan.FromSeconds(30));
            }
        }

        pacer.Add(SendFrame);
        Assert.True(inSend.Wait(TimeSpan.FromSeconds(10)), "the pacer never sent on the leg");

        var removed = Task.Run(() => pacer.Remove(SendFrame));
        // The pacer is blocked inside the leg's send: Remove must still be waiting for it.
        await Task.Delay(300);
        Assert.False(removed.IsCompleted, "Remove returned while the pacer was still sending on the leg");

        release.Set();
        await removed.WaitAsync(TimeSpan.FromSeconds(10));
        var after = Volatile.Read(ref sends);
        await Task.Delay(100);
        Assert.Equal(after, Volatile.Read(ref sends));
    }
}
