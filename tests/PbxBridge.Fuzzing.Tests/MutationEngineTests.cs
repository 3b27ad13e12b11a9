using System.Text;
using PbxBridge.Fuzzing.Engine;

namespace PbxBridge.Fuzzing.Tests;

public sealed class MutationEngineTests
{
    private static readonly byte[][] Seeds = [Encoding.ASCII.GetBytes("INVITE sip:a@b SIP/2.0\r\nContent-Length: 0\r\n\r\n"), [0x80, 0x6F, 0x00, 0x01, 0, 0, 0, 0, 1, 2, 3, 4]];

    [Fact]
    public void The_same_seed_and_index_give_the_same_input_whatever_ran_before()
    {
        var first = new MutationEngine(Seeds, text: true);
        var second = new MutationEngine(Seeds, text: true);
        for (var i = 0; i < 500; i++)
        {
            _ = first.Next(7, i);
        }

        Assert.Equal(first.Next(7, 1234), second.Next(7, 1234));
        Assert.NotEqual(first.Next(7, 1234), first.Next(8, 1234));
    }

    [Fact]
    public void Inputs_differ_from_their_seeds_and_from_each_other()
    {
        var engine = new MutationEngine(Seeds, text: true);
        var inputs = Enumerable.Range(0, 2000).Select(i => Convert.ToBase64String(engine.Next(1, i))).ToList();
        var seeds = Seeds.Select(Convert.ToBase64String).ToHashSet();

        // Two tiny seeds: a single truncation or bit flip of a 12-byte packet repeats now and then, most inputs do not.
        Assert.InRange(inputs.Distinct().Count(), 1000, 2000);
        Assert.InRange(inputs.Count(seeds.Contains), 1, 200);
    }

    [Fact]
    public void No_input_is_longer_than_what_the_network_can_deliver_to_the_target()
    {
        var engine = new MutationEngine(Seeds, text: true, maxLength: 300);
        var lengths = Enumerable.Range(0, 3000).Select(i => engine.Next(9, i).Length).ToList();

        Assert.All(lengths, length => Assert.InRange(length, 0, 300));
        Assert.Contains(300, lengths);
    }

    [Fact]
    public void Length_fields_are_set_to_lies()
    {
        // The only field is the 16-bit length at offset 2; with nothing else to mutate it must change often.
        var seed = new byte[] { 0x00, 0x01, 0x00, 0x04, 9, 9, 9, 9 };
        var engine = new MutationEngine([seed], text: false, lengthFields: (data, fields) => fields.Add(new LengthField(2, 2)));
        var changed = Enumerable.Range(0, 1000).Select(i => engine.Next(3, i)).Count(input => input.Length > 3 && (input[2] != 0 || input[3] != 4));

        Assert.InRange(changed, 100, 1000);
    }

    [Fact]
    public void Text_mutations_play_with_line_endings_and_content_length()
    {
        var engine = new MutationEngine(Seeds.Take(1).ToList(), text: true);
        var inputs = Enumerable.Range(0, 3000).Select(i => Encoding.Latin1.GetString(engine.Next(5, i))).ToList();

        Assert.Contains(inputs, s => s.Contains("\r\n\r\n\r\n", StringComparison.Ordinal) || s.Contains("\n\n", StringComparison.Ordinal));
        Assert.Contains(inputs, s => s.Contains("Content-Length: 4294967296", StringComparison.Ordinal) || s.Contains("Content-Length: -1", StringComparison.Ordinal));
        Assert.Contains(inputs, s => s.Length > 10_000);
    }
}
