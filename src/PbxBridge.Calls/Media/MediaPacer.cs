using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace PbxBridge.Calls.Media;

/// <summary>
/// The 20 ms clock toward the PBX: the PBX expects one RTP packet every 20 ms, whatever the browser's network did,
/// so the browser->PBX direction is pulled out of each call's jitter buffer on this clock. One thread per pacer;
/// calls are sharded over <see cref="Shards"/> pacers (one per core). Membership changes copy the array
/// (rare, on call setup/teardown) so the tick loop reads it without locks.
/// </summary>
public sealed class MediaPacer : IDisposable
{
    public static readonly TimeSpan Ptime = TimeSpan.FromMilliseconds(20);
    private readonly Shard[] shards;
    private int next;

    public MediaPacer(ILogger<MediaPacer> logger, int shardCount = 0)
    {
        if (shardCount <= 0)
        {
            shardCount = Environment.ProcessorCount;
        }

        shards = new Shard[shardCount];
        for (var i = 0; i < shardCount; i++)
        {
            shards[i] = new Shard(i, logger);
        }
    }

    public int Shards => shards.Length;

    public int Count
    {
        get
        {
            var n = 0;
            foreach (var s in shards)
            {
                n += s.Count;
            }

            return n;
        }
    }

    public void Add(IPacedStream stream) => shards[(int)((uint)Interlocked.Increment(ref next) % (uint)shards.Length)].Add(stream);

    /// <summary>
    /// Takes <paramref name="stream"/> off its pacer and completes once no tick of it can still be running: a tick
    /// that began before the removal may be halfway through the stream's codecs, which the caller is about to free.
    /// </summary>
    public Task RemoveAsync(IPacedStream stream)
    {
        foreach (var s in shards)
        {
            if (s.Remove(stream))
            {
                return s.PassFinishedAsync();
            }
        }

        return Task.CompletedTask;
    }

    public void Dispose()
    {
        foreach (var s in shards)
        {
            s.Dispose();
        }
    }

    private sealed class Shard : IDisposable
    {
        private readonly ILogger logger;
        private readonly Thread thread;
        private readonly Lock membership = new();
        private readonly List<TaskCompletionSource> passWaiters = [];
        private volatile IPacedStream[] streams = [];
        private volatile bool stopping;
        private volatile bool stopped;
        private volatile int waiting;

        public Shard(int index, ILogger logger)
        {
            this.logger = logger;
            thread = new Thread(Run) { IsBackground = true, Name = $"media-pacer-{index}", Priority = ThreadPriority.AboveNormal };
            thread.Start();
        }

        public int Count => streams.Length;

        public void Add(IPacedStream stream)
        {
            lock (membership)
            {
                streams = [.. streams, stream];
            }
        }

        public bool Remove(IPacedStream stream)
        {
            lock (membership)
            {
                var index = Array.IndexOf(streams, stream);
                if (index < 0)
                {
                    return false;
                }

                var copy = new IPacedStream[streams.Length - 1];
                Array.Copy(streams, 0, copy, 0, index);
                Array.Copy(streams, index + 1, copy, index, streams.Length - index - 1);
                streams = copy;
                return true;
            }
        }

        /// <summary>
        /// Completes at the end of the pass running now (it may hold the array from before a removal), or of the next
        /// one if none is running: the passes after it read the array without the removed stream.
        /// </summary>
        public Task PassFinishedAsync()
        {
            var finished = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (membership)
            {
                if (stopped)
                {
                    return Task.CompletedTask;
                }

                passWaiters.Add(finished);
                waiting = passWaiters.Count;
            }

            return finished.Task;
        }

        public void Dispose()
        {
            stopping = true;
            thread.Join(TimeSpan.FromSeconds(1));
        }

        private void ReleaseWaiters(bool final)
        {
            TaskCompletionSource[] released;
            lock (membership)
            {
                stopped |= final;
                released = [.. passWaiters];
                passWaiters.Clear();
                waiting = 0;
            }

            foreach (var waiter in released)
            {
                waiter.TrySetResult();
            }
        }

        private void Run()
        {
            try
            {
                RunPasses();
            }
            finally
            {
                ReleaseWaiters(final: true);
            }
        }

        private void RunPasses()
        {
            var period = Stopwatch.Frequency / 50;
            var due = Stopwatch.GetTimestamp() + period;
            while (!stopping)
            {
                var wait = due - Stopwatch.GetTimestamp();
                if (wait > 0)
                {
                    // Whole milliseconds, at least one: a sub-millisecond Sleep becomes Sleep(0), a yield loop that
                    // burned most of a core with no call up (seen with perf). A tick up to 1 ms late is harmless:
                    // the jitter buffer holds 20 ms or more.
                    var milliseconds = (int)Math.Max(1, (wait * 1000 + Stopwatch.Frequency - 1) / Stopwatch.Frequency);
                    Thread.Sleep(milliseconds);
                    continue;
                }

                var now = Stopwatch.GetTimestamp();
                foreach (var stream in streams)
                {
                    try
                    {
                        stream.OnTick(now);
                    }
                    catch (Exception e)
                    {
                        // One call's bug must not stop every other call's audio.
                        logger.LogError(e, "media tick failed for {Stream}", stream);
                    }
                }

                // Between passes this thread holds no array at all: whoever removed a stream before now is safe.
                if (waiting != 0)
                {
                    ReleaseWaiters(final: false);
                }

                due += period;
                if (Stopwatch.GetTimestamp() - due > period * 5)
                {
                    // We fell far behind (machine stalled): skip ahead rather than burst.
                    due = Stopwatch.GetTimestamp() + period;
                }
            }
        }
    }
}

/// <summary>Something the pacer ticks every 20 ms.</summary>
public interface IPacedStream
{
    void OnTick(long now);
}
