using System.Diagnostics;
using PbxBridge.Media.Jitter;
using PbxBridge.Media.Statistics;
using Xunit.Abstractions;

namespace PbxBridge.Media.Tests.Jitter;

public sealed class AdaptiveJitterBufferTests
{
    private const byte Opus = 111;
    private static readonly long s_msTicks = Stopwatch.Frequency / 1000;

    private readonly MediaDirectionStatistics _statistics = new();
    private readonly AdaptiveJitterBuffer _buffer;

    private readonly ITestOutputHelper _output;

    public AdaptiveJitterBufferTests(ITestOutputHelper output)
    {
        _output = output;
        _buffer = new AdaptiveJitterBuffer(48000, Opus, _statistics);
    }

    [Fact]
    public void Nothing_plays_until_the_target_depth_is_buffered()
    {
        Assert.Equal(JitterBufferOutcome.Buffering, _buffer.Dequeue(out _));
        Insert(seq: 100, arrivalMs: 0);
        Assert.Equal(AdaptiveJitterBuffer.MinTargetDelayMs, _buffer.TargetDelayMs);
        Assert.Equal(JitterBufferOutcome.Packet, _buffer.Dequeue(out var packet));
        Assert.Equal(100, packet.SequenceNumber);
        Assert.Equal(new byte[] { 100 % 256, 0 }, packet.Payload.ToArray());
    }

    [Fact]
    public void Reordered_packets_are_played_in_sequence_order()
    {
        Insert(10, 0);
        Insert(13, 1);
        Insert(11, 2);
        Insert(12, 3);
        Insert(9, 4);
        var played = new List<int>();
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(JitterBufferOutcome.Packet, _buffer.Dequeue(out var packet));
            played.Add(packet.SequenceNumber);
        }

        Assert.Equal([9, 10, 11, 12, 13], played);
        Assert.Equal(0, _statistics.PacketsLost);
    }

    [Fact]
    public void Packet_arriving_after_its_slot_was_concealed_is_dropped_and_counted_late()
    {
        Insert(1, 0);
        Insert(3, 20);
        Assert.Equal(JitterBufferOutcome.Packet, _buffer.Dequeue(out _));
        Assert.Equal(JitterBufferOutcome.Missing, _buffer.Dequeue(out _));
        Assert.True(_buffer.TryPeekNext(out var next));
        Assert.Equal(3, next.SequenceNumber);

        Assert.Equal(JitterBufferInsertResult.Late, Insert(2, 45));
        Assert.Equal(1, _statistics.PacketsLate);
        Assert.Equal(1, _statistics.PacketsLost);
        Assert.Equal(JitterBufferOutcome.Packet, _buffer.Dequeue(out var packet));
        Assert.Equal(3, packet.SequenceNumber);
    }

    [Fact]
    public void Underrun_waits_so_a_delayed_packet_is_still_played()
    {
        Insert(1, 0);
        Assert.Equal(JitterBufferOutcome.Packet, _buffer.Dequeue(out _));
        Assert.Equal(JitterBufferOutcome.Underrun, _buffer.Dequeue(out _));
        Assert.Equal(JitterBufferInsertResult.Accepted, Insert(2, 45));
        Assert.Equal(JitterBufferOutcome.Packet, _buffer.Dequeue(out var packet));
        Assert.Equal(2, packet.SequenceNumber);
        Assert.Equal(0, _statistics.PacketsLate);
    }

    [Fact]
    public void Duplicate_is_dropped_and_counted()
    {
        Insert(5, 0);
        Assert.Equal(JitterBufferInsertResult.Duplicate, Insert(5, 1));
        Assert.Equal(1, _statistics.PacketsDuplicated);
        Assert.Equal(1, _buffer.Count);
    }

    [Fact]
    public void New_ssrc_flushes_and_resynchronises()
    {
        Insert(1000, 0, ssrc: 1);
        Insert(1001, 20, ssrc: 1);
        Assert.Equal(JitterBufferInsertResult.AcceptedAfterResync, Insert(7, 40, ssrc: 2));
        Assert.Equal(1, _buffer.Count);
        Assert.Equal(JitterBufferOutcome.Packet, _buffer.Dequeue(out var packet));
        Assert.Equal(7, packet.SequenceNumber);
        Assert.Equal(1, _statistics.Resyncs);
    }

    [Fact]
    public void Sequence_jump_beyond_the_buffer_resynchronises_instead_of_dropping_everything()
    {
        Insert(1, 0);
        Assert.Equal(JitterBufferInsertResult.AcceptedAfterResync, Insert(30001, 20));
        Assert.Equal(JitterBufferOutcome.Packet, _buffer.Dequeue(out var packet));
        Assert.Equal(30001, packet.SequenceNumber);
    }

    [Fact]
    public void Sequence_wrap_is_seamless()
    {
        Insert(65534, 0);
        Insert(65535, 20);
        Insert(0, 40);
        Insert(1, 60);
        var played = new List<int>();
        while (_buffer.Dequeue(out var packet) == JitterBufferOutcome.Packet)
        {
            played.Add(packet.SequenceNumber);
        }

        Assert.Equal([65534, 65535, 0, 1], played);
    }

    [Fact]
    public void Oversized_payload_is_refused()
    {
        var buffer = new AdaptiveJitterBuffer(48000, Opus, _statistics, capacity: 16, maxPayloadBytes: 10);
        Assert.Equal(JitterBufferInsertResult.TooLarge, buffer.Insert(1, 1, 0, Opus, new byte[11], 0));
    }

    [Fact]
    public void A_voice_call_buffer_holds_small_slots_rather_than_64_full_size_ones()
    {
        var before = GC.GetAllocatedBytesForCurrentThread();
        _ = new AdaptiveJitterBuffer(48000, Opus, new MediaDirectionStatistics());
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        // 64 slots of 1500 bytes were 96 KB per call; voice frames need a fraction of that.
        Assert.InRange(allocated, 1, 32 * 1024);
    }

    [Fact]
    public void A_payload_larger_than_the_first_slots_grows_them_and_keeps_the_packets_already_held()
    {
        var held = new byte[] { 1, 2, 3 };
        var large = new byte[1275];
        Random.Shared.NextBytes(large);
        Assert.Equal(JitterBufferInsertResult.Accepted, _buffer.Insert(1, 10, 0, Opus, held, 0));
        Assert.Equal(JitterBufferInsertResult.Accepted, _buffer.Insert(1, 11, 960, Opus, large, s_msTicks * 20));
        Assert.Equal(JitterBufferInsertResult.Accepted, _buffer.Insert(1, 12, 1920, Opus, held, s_msTicks * 40));

        Assert.Equal(JitterBufferOutcome.Packet, _buffer.Dequeue(out var first));
        Assert.Equal(held, first.Payload.ToArray());
        Assert.Equal(JitterBufferOutcome.Packet, _buffer.Dequeue(out var second));
        Assert.Equal(large, second.Payload.ToArray());
        Assert.Equal(JitterBufferOutcome.Packet, _buffer.Dequeue(out var third));
        Assert.Equal(held, third.Payload.ToArray());
    }

    [Fact]
    public void Depth_grows_with_network_jitter_and_shrinks_when_it_calms_down()
    {
        var random = new Random(3);
        var simulation = new PacedSimulation(_buffer);

        // 10 s with 0..120 ms of random network delay (reordering included), then 20 s of a steady 30 ms.
        simulation.Run(seconds: 10, delayMs: () => random.Next(0, 121));
        var jitteryTarget = _buffer.TargetDelayMs;
        var jitteryJitter = _buffer.JitterMs;
        var lateWhileJittery = _statistics.PacketsLate + _statistics.PacketsLost;

        simulation.Run(seconds: 20, delayMs: () => 30);
        _output.WriteLine($"jittery: J {jitteryJitter:F1} ms, target {jitteryTarget} ms, lost+late {lateWhileJittery}/500; " +
            $"calm: J {_buffer.JitterMs:F2} ms, target {_buffer.TargetDelayMs} ms, depth {_buffer.Count * 20} ms, dropped for delay {_statistics.FramesDroppedForDelay}");

        Assert.InRange(jitteryJitter, 25, 60);
        Assert.InRange(jitteryTarget, 80, AdaptiveJitterBuffer.MaxTargetDelayMs);
        Assert.True(lateWhileJittery < 25, $"{lateWhileJittery} packets lost or late out of 500");
        Assert.InRange(_buffer.TargetDelayMs, AdaptiveJitterBuffer.MinTargetDelayMs, 40);
        Assert.True(_statistics.FramesDroppedForDelay > 0);
        Assert.InRange(_buffer.Count * 20, 0, _buffer.TargetDelayMs + 40);
    }

    private JitterBufferInsertResult Insert(int seq, int arrivalMs, uint ssrc = 1) =>
        _buffer.Insert(ssrc, (ushort)seq, (uint)((ushort)(seq + 10) * 960), Opus, [(byte)seq, 0], arrivalMs * s_msTicks);

    /// <summary>A sender every 20 ms, a network delay per packet, and a 20 ms playout pacer, on a virtual clock.</summary>
    private sealed class PacedSimulation(AdaptiveJitterBuffer buffer)
    {
        private readonly List<(int ArrivalMs, ushort Seq)> _inFlight = [];
        private int _nowMs;
        private ushort _nextSeq = 40000;

        public void Run(int seconds, Func<int> delayMs)
        {
            var end = _nowMs + (seconds * 1000);
            for (; _nowMs < end; _nowMs++)
            {
                if (_nowMs % 20 == 0)
                {
                    _inFlight.Add((_nowMs + delayMs(), _nextSeq++));
                }

                for (var i = _inFlight.Count - 1; i >= 0; i--)
                {
                    if (_inFlight[i].ArrivalMs <= _nowMs)
                    {
                        var seq = _inFlight[i].Seq;
                        buffer.Insert(1, seq, (uint)(seq * 960), Opus, [1], _nowMs * s_msTicks);
                        _inFlight.RemoveAt(i);
                    }
                }

                if (_nowMs % 20 == 10)
                {
                    buffer.Dequeue(out _);
                }
            }
        }
    }
}
