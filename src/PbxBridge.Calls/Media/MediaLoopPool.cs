using Microsoft.Extensions.Logging;
using PbxBridge.Net;
using PbxBridge.WebRtc.Transport;

namespace PbxBridge.Calls.Media;

/// <summary>
/// The 20 ms clock toward the PBX and the threads that carry all media: the PBX expects one RTP packet every 20 ms,
/// whatever the browser's network did, so the browser->PBX direction is pulled out of each call's jitter buffer on
/// this clock. Calls are spread over one <see cref="MediaEventLoop"/> per core; each call's two sockets and its tick
/// live on the same loop, so a call's media never crosses threads.
/// </summary>
public sealed class MediaLoopPool : IDisposable
{
    public static readonly TimeSpan Ptime = TimeSpan.FromMilliseconds(20);
    private readonly MediaEventLoop[] loops;
    private int next;

    public MediaLoopPool(ILogger<MediaLoopPool> logger, int shardCount = 0)
    {
        if (shardCount <= 0)
        {
            shardCount = Environment.ProcessorCount;
        }

        loops = new MediaEventLoop[shardCount];
        for (var i = 0; i < shardCount; i++)
        {
            loops[i] = new MediaEventLoop($"media-loop-{i}", logger, Ptime);
        }
    }

    public int Shards => loops.Length;

    /// <summary>The loops themselves (the single UDP port reads on the first and hands datagrams to the others).</summary>
    public IReadOnlyList<MediaEventLoop> Loops => loops;

    /// <summary>Calls ticked now, over all loops.</summary>
    public int Count
    {
        get
        {
            var n = 0;
            foreach (var loop in loops)
            {
                n += loop.StreamCount;
            }

            return n;
        }
    }

    /// <summary>Over all loops, for the metrics: wake-ups and datagram events (how well wake-ups batch), and ticks.</summary>
    public MediaLoopActivity Activity
    {
        get
        {
            var total = new MediaLoopActivity(0, 0, 0, 0, 0);
            foreach (var loop in loops)
            {
                total = new MediaLoopActivity(
                    total.WakeUps + loop.WakeUps,
                    total.DatagramEvents + loop.DatagramEvents,
                    total.Ticks + loop.Ticks,
                    total.LateTicks + loop.LateTicks,
                    total.SkippedTicks + loop.SkippedTicks);
            }

            return total;
        }
    }

    /// <summary>Stopwatch ticks loop <paramref name="index"/> has spent awake since it started (see <see cref="MediaEventLoop.BusyTimestampTicks"/>).</summary>
    public long BusyTimestampTicksOf(int index) => loops[index].BusyTimestampTicks;

    /// <summary>The loop a new call's media goes on (round robin).</summary>
    public MediaEventLoop NextLoop() => loops[(int)((uint)Interlocked.Increment(ref next) % (uint)loops.Length)];

    public void Dispose()
    {
        foreach (var loop in loops)
        {
            loop.Dispose();
        }
    }
}
