using Microsoft.Extensions.Logging.Abstractions;
using PbxBridge.Calls.Media;

namespace PbxBridge.Calls.Tests.Media;

public sealed class MediaPacerTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task Removal_completes_only_after_the_tick_in_progress_returned_and_no_tick_follows()
    {
        using var pacer = new MediaPacer(NullLogger<MediaPacer>.Instance, shardCount: 1);
        using var stream = new BlockingStream();
        pacer.Add(stream);
        Assert.True(stream.Entered.Wait(Wait), "the pacer never ticked the stream");

        // The call tears down while the pacer thread is inside the stream's tick (decoding into its codecs).
        var removed = pacer.RemoveAsync(stream);
        await Task.Delay(200);
        Assert.False(removed.IsCompleted, "removal reported done while a tick was still running");

        stream.Leave.Set();
        await removed.WaitAsync(Wait);
        Assert.False(stream.Inside);
        var ticks = stream.Ticks;
        await Task.Delay(200);
        Assert.Equal(ticks, stream.Ticks);
    }

    [Fact]
    public async Task Removal_of_a_stream_never_added_or_after_the_pacer_stopped_completes_at_once()
    {
        var pacer = new MediaPacer(NullLogger<MediaPacer>.Instance, shardCount: 1);
        using var stream = new BlockingStream();
        stream.Leave.Set();
        await pacer.RemoveAsync(stream).WaitAsync(Wait);

        pacer.Add(stream);
        Assert.True(stream.Entered.Wait(Wait));
        pacer.Dispose();

        // Shutdown disposes the pacer before the last calls release their media: their removal must not hang.
        await pacer.RemoveAsync(stream).WaitAsync(Wait);
    }

    private sealed class BlockingStream : IPacedStream, IDisposable
    {
        private int inside;
        private int ticks;

        public ManualResetEventSlim Entered { get; } = new();

        public ManualResetEventSlim Leave { get; } = new();

        public bool Inside => Volatile.Read(ref inside) != 0;

        public int Ticks => Volatile.Read(ref ticks);

        public void OnTick(long now)
        {
            Interlocked.Increment(ref ticks);
            Volatile.Write(ref inside, 1);
            Entered.Set();
            Leave.Wait();
            Volatile.Write(ref inside, 0);
        }

        public void Dispose()
        {
            Entered.Dispose();
            Leave.Dispose();
        }
    }
}
