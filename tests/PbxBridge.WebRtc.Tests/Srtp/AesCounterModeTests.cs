using PbxBridge.WebRtc.Srtp;

namespace PbxBridge.WebRtc.Tests.Srtp;

public sealed class AesCounterModeTests
{
    [Fact]
    public void An_empty_payload_is_left_alone_instead_of_throwing()
    {
        using var cipher = new AesCounterMode(new byte[16]);
        var iv = new byte[16];
        cipher.Apply(iv, Span<byte>.Empty);

        // The cipher still works afterwards: a keystream XORed into zeros is not all zeros.
        var data = new byte[16];
        cipher.Apply(iv, data);
        Assert.Contains(data, b => b != 0);
    }

    [Fact]
    public void A_context_keeps_no_scratch_of_its_own_the_thread_that_runs_it_lends_it()
    {
        // A call holds three contexts; each used to carry 3 KB of counter and keystream blocks (96 blocks each way)
        // that only Apply needs. Counted by allocation, not time: ten more contexts on a thread that already ran
        // one must not allocate ten scratch sets.
        var key = new byte[16];
        var iv = new byte[16];
        var payload = new byte[AesCounterMode.MaxLength];
        using (var warm = new AesCounterMode(key))
        {
            warm.Apply(iv, payload);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 10; i++)
        {
            using var cipher = new AesCounterMode(key);
            cipher.Apply(iv, payload);
        }

        var perContext = (GC.GetAllocatedBytesForCurrentThread() - before) / 10;
        Assert.True(perContext < 2 * AesCounterMode.MaxLength, $"{perContext} bytes allocated per context");
    }

    [Fact]
    public void Contexts_on_two_threads_at_once_each_produce_their_own_keystream()
    {
        // RFC 3711 Appendix B.2's first block, from two threads at the same time, many times over.
        var expected = Hex.Parse("E03EAD0935C95E80E166B16DD92B4EB4");
        var failures = 0;
        var threads = Enumerable.Range(0, 2).Select(_ => new Thread(() =>
        {
            using var cipher = new AesCounterMode(Hex.Parse("2B7E151628AED2A6ABF7158809CF4F3C"));
            var iv = Hex.Parse("F0F1F2F3F4F5F6F7F8F9FAFBFCFD0000");
            for (var i = 0; i < 20_000; i++)
            {
                var block = new byte[16];
                cipher.Apply(iv, block);
                if (!block.AsSpan().SequenceEqual(expected))
                {
                    Interlocked.Increment(ref failures);
                }
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        Assert.Equal(0, failures);
    }
}
