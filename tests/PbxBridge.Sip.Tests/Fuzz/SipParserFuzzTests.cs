using PbxBridge.Sip.Message;
using PbxBridge.Sip.Tests.Message;
using PbxBridge.Sip.Tests.Support;

namespace PbxBridge.Sip.Tests.Fuzz;

public sealed class SipParserFuzzTests
{
    /// <summary>Mutations of real messages: byte flips, insertions of SIP-significant characters, deletions,
    /// truncations and duplicated ranges. Seeded, so a failure reproduces.</summary>
    private static byte[] Mutate(Random random, byte[] seed)
    {
        var data = new List<byte>(seed);
        var interesting = "\r\n:;,<>\"\\=@%/ \t\0\u00ff"u8.ToArray();
        var edits = random.Next(1, 8);
        for (var e = 0; e < edits && data.Count > 0; e++)
        {
            var at = random.Next(data.Count);
            switch (random.Next(6))
            {
                case 0:
                    data[at] = (byte)random.Next(256);
                    break;
                case 1:
                    data.Insert(at, interesting[random.Next(interesting.Length)]);
                    break;
                case 2:
                    data.RemoveRange(at, Math.Min(random.Next(1, 16), data.Count - at));
                    break;
                case 3:
                    data.RemoveRange(at, data.Count - at);
                    break;
                case 4:
                    var len = Math.Min(random.Next(1, 64), data.Count - at);
                    data.InsertRange(random.Next(data.Count), data.GetRange(at, len));
                    break;
                default:
                    data[at] = interesting[random.Next(interesting.Length)];
                    break;
            }
        }

        return [.. data];
    }

    private static List<byte[]> Seeds()
    {
        var seeds = Rfc4475Messages.Valid.Concat(Rfc4475Messages.InvalidRequests.Select(r => r.Name)).Concat(Rfc4475Messages.InvalidResponses)
            .Select(Rfc4475Messages.Wire).ToList();
        using var h = new StackHarness();
        var ua = new BrowserUa(h, h.Connect("seed"), "1001");
        seeds.Add(System.Text.Encoding.UTF8.GetBytes(ua.RegisterText()));
        return seeds;
    }

    [Fact]
    public void Hundred_thousand_mutated_messages_never_throw_and_memory_stays_bounded()
    {
        var random = new Random(4475);
        var seeds = Seeds();
        var parsed = 0;
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var before = GC.GetTotalMemory(forceFullCollection: true);

        for (var i = 0; i < 100_000; i++)
        {
            var input = Mutate(random, seeds[random.Next(seeds.Count)]);
            var result = SipParser.Parse(input);
            if (result.Success)
            {
                parsed++;
                _ = result.Message!.ToBytes();
            }
            else
            {
                Assert.False(string.IsNullOrEmpty(result.Error));
            }
        }

        var after = GC.GetTotalMemory(forceFullCollection: true);
        Assert.InRange(after - before, long.MinValue, 16 * 1024 * 1024);

        // The mutations are not all fatal: the parser really was exercised on both paths.
        Assert.InRange(parsed, 1_000, 99_000);
    }

    [Fact]
    public void Mutated_messages_through_the_stack_never_escape_the_receive_path()
    {
        var random = new Random(7118);
        var seeds = Seeds();
        using var h = new StackHarness();
        var flow = new UncheckedFlow();
        h.Stack.OnFlowOpened(flow);

        for (var i = 0; i < 10_000; i++)
        {
            h.Stack.OnMessageReceived(flow, Mutate(random, seeds[random.Next(seeds.Count)]));
        }

        h.Time.Advance(TimeSpan.FromMinutes(5));
        Assert.True(h.Stack.Counters.ParseFailures > 0);
        Assert.Equal(0, h.Stack.Counters.Transactions);
        Assert.Equal(0, h.Stack.Counters.Timers);
    }

    /// <summary>A flow that accepts whatever the stack sends back (echoes of garbage included).</summary>
    private sealed class UncheckedFlow : PbxBridge.Sip.Transport.ISipFlow
    {
        public string Id => "fuzz";

        public System.Net.IPEndPoint Remote { get; } = new(System.Net.IPAddress.Loopback, 1);

        public bool IsReliable => true;

        public string ViaTransport => "WSS";

        public bool IsOpen => true;

        public string? LocalSentBy => null;

        public void Send(SipMessage message) => _ = message.ToBytes();
    }
}
