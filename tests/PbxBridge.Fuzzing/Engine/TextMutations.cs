using System.Text;

namespace PbxBridge.Fuzzing.Engine;

/// <summary>
/// Line- and token-level mutations for the text protocols (SIP, SDP, ESL, ARI JSON): duplicate, drop, swap and
/// fold lines, line-ending games (bare LF, bare CR, CRCRLF, an early blank line, a missing one), numbers replaced by
/// edge values (a huge or negative Content-Length is one of them), tokens from the protocol's own vocabulary,
/// a line repeated hundreds of times and a token stretched to kilobytes.
/// </summary>
internal static class TextMutations
{
    private static readonly byte[] Crlf = "\r\n"u8.ToArray();

    public static void DuplicateLine(List<byte> data, int maxLength, ref FuzzRandom random)
    {
        if (TryPickLine(data, ref random, out var start, out var length))
        {
            var line = data.GetRange(start, length);
            var times = random.Chance(16) ? random.Next(100, 2000) : 1;
            times = Math.Clamp((maxLength - data.Count) / length, 1, times);
            var block = new byte[line.Count * times];
            for (var i = 0; i < times; i++)
            {
                line.CopyTo(block, i * line.Count);
            }

            data.InsertRange(start, block);
        }
    }

    public static void DropLine(List<byte> data, ref FuzzRandom random)
    {
        if (TryPickLine(data, ref random, out var start, out var length))
        {
            data.RemoveRange(start, length);
        }
    }

    public static void SwapLines(List<byte> data, ref FuzzRandom random)
    {
        if (TryPickLine(data, ref random, out var firstStart, out var firstLength) &&
            TryPickLine(data, ref random, out var secondStart, out var secondLength) && firstStart != secondStart)
        {
            if (secondStart < firstStart)
            {
                (firstStart, firstLength, secondStart, secondLength) = (secondStart, secondLength, firstStart, firstLength);
            }

            var first = data.GetRange(firstStart, firstLength);
            var second = data.GetRange(secondStart, secondLength);
            data.RemoveRange(secondStart, secondLength);
            data.InsertRange(secondStart, first);
            data.RemoveRange(firstStart, firstLength);
            data.InsertRange(firstStart, second);
        }
    }

    /// <summary>RFC 3261 §7.3.1 folding: a line break followed by whitespace continues the header.</summary>
    public static void FoldLine(List<byte> data, ref FuzzRandom random)
    {
        var at = IndexOfRandom(data, (byte)' ', ref random);
        if (at >= 0)
        {
            data.InsertRange(at, random.Chance(2) ? "\r\n "u8.ToArray() : "\r\n\t"u8.ToArray());
        }
    }

    public static void LineEndingGame(List<byte> data, ref FuzzRandom random)
    {
        var newline = IndexOfRandom(data, (byte)'\n', ref random);
        switch (random.Next(8))
        {
            case 0:
                // Every CRLF becomes a bare LF.
                for (var i = data.Count - 1; i > 0; i--)
                {
                    if (data[i] == '\n' && data[i - 1] == '\r')
                    {
                        data.RemoveAt(i - 1);
                    }
                }

                break;
            case 1 when newline > 0 && data[newline - 1] == '\r':
                data.RemoveAt(newline - 1);
                break;
            case 2 when newline >= 0:
                data[newline] = (byte)'\r';
                break;
            case 3 when newline >= 0:
                data.Insert(newline, (byte)'\r');
                break;
            case 4 when newline >= 0:
                // An early empty line: the header block ends here and the rest becomes body.
                data.InsertRange(newline + 1, Crlf);
                break;
            case 5:
                RemoveBlankLine(data);
                break;
            case 6:
                // RFC 5626 keep-alive CRLFs before a message, or trailing ones after it.
                var count = random.Next(1, 5);
                for (var i = 0; i < count; i++)
                {
                    data.InsertRange(random.Chance(2) ? 0 : data.Count, Crlf);
                }

                break;
            default:
                data.Insert(random.Next(data.Count + 1), (byte)'\r');
                break;
        }
    }

    /// <summary>A run of digits replaced by an edge value: Content-Length, CSeq, Max-Forwards, ports, payload types.</summary>
    public static void ReplaceNumber(List<byte> data, ref FuzzRandom random)
    {
        var digit = IndexOfRandom(data, static b => b is >= (byte)'0' and <= (byte)'9', ref random);
        if (digit < 0)
        {
            return;
        }

        var start = digit;
        while (start > 0 && data[start - 1] is >= (byte)'0' and <= (byte)'9')
        {
            start--;
        }

        var end = digit;
        while (end < data.Count && data[end] is >= (byte)'0' and <= (byte)'9')
        {
            end++;
        }

        data.RemoveRange(start, end - start);
        data.InsertRange(start, Encoding.ASCII.GetBytes(random.Pick(InterestingValues.Numbers)));
    }

    /// <summary>The body length a peer claims, set to a lie: larger than the body, huge, negative, or not a number.</summary>
    public static void LieInContentLength(List<byte> data, ref FuzzRandom random)
    {
        var at = IndexOf(data, "Content-Length:"u8);
        if (at < 0)
        {
            at = IndexOf(data, "\nl:"u8);
        }

        if (at < 0)
        {
            ReplaceNumber(data, ref random);
            return;
        }

        var valueStart = data.IndexOf((byte)':', at) + 1;
        var valueEnd = valueStart;
        while (valueEnd < data.Count && data[valueEnd] is not ((byte)'\r' or (byte)'\n'))
        {
            valueEnd++;
        }

        data.RemoveRange(valueStart, valueEnd - valueStart);
        var value = random.Chance(2) ? random.Pick(InterestingValues.Numbers) : (data.Count + random.Next(-8, 9)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        data.InsertRange(valueStart, Encoding.ASCII.GetBytes(" " + value));
    }

    /// <summary>A token of the protocol's own vocabulary, inserted as a line of its own or inside a line.</summary>
    public static void InsertToken(List<byte> data, IReadOnlyList<byte[]> tokens, ref FuzzRandom random)
    {
        if (tokens.Count == 0)
        {
            return;
        }

        var token = random.Pick(tokens);
        if (random.Chance(2) && TryPickLine(data, ref random, out var lineStart, out _))
        {
            data.InsertRange(lineStart, token);
            if (token.Length == 0 || token[^1] != '\n')
            {
                data.InsertRange(lineStart + token.Length, Crlf);
            }

            return;
        }

        data.InsertRange(random.Next(data.Count + 1), token);
    }

    /// <summary>One delimiter character inserted or replacing another byte.</summary>
    public static void Delimiter(List<byte> data, ref FuzzRandom random)
    {
        var delimiter = random.Pick(InterestingValues.TextDelimiters);
        if (data.Count > 0 && random.Chance(2))
        {
            data[random.Next(data.Count)] = delimiter;
        }
        else
        {
            data.Insert(random.Next(data.Count + 1), delimiter);
        }
    }

    /// <summary>One byte repeated into a kilobytes-long token: bounds on header, line and attribute sizes.</summary>
    public static void StretchToken(List<byte> data, int maxLength, ref FuzzRandom random)
    {
        if (data.Count == 0)
        {
            return;
        }

        var at = random.Next(data.Count);
        var fill = data[at] is (byte)'\r' or (byte)'\n' ? (byte)'a' : data[at];
        var count = Math.Min(random.Next(256, 70_000), Math.Max(1, maxLength - data.Count));
        data.InsertRange(at, Enumerable.Repeat(fill, count));
    }

    public static void FlipCase(List<byte> data, ref FuzzRandom random)
    {
        var at = IndexOfRandom(data, static b => b is >= (byte)'a' and <= (byte)'z' or >= (byte)'A' and <= (byte)'Z', ref random);
        if (at >= 0)
        {
            data[at] ^= 0x20;
        }
    }

    private static void RemoveBlankLine(List<byte> data)
    {
        var at = IndexOf(data, "\r\n\r\n"u8);
        if (at >= 0)
        {
            data.RemoveRange(at + 2, 2);
        }
    }

    private static bool TryPickLine(List<byte> data, ref FuzzRandom random, out int start, out int length)
    {
        start = 0;
        length = 0;
        if (data.Count == 0)
        {
            return false;
        }

        var at = random.Next(data.Count);
        start = at;
        while (start > 0 && data[start - 1] != '\n')
        {
            start--;
        }

        var end = at;
        while (end < data.Count && data[end] != '\n')
        {
            end++;
        }

        length = Math.Min(end + 1, data.Count) - start;
        return length > 0;
    }

    private static int IndexOfRandom(List<byte> data, byte value, ref FuzzRandom random) =>
        data.Count == 0 ? -1 : Wrap(data, random.Next(data.Count), b => b == value);

    private static int IndexOfRandom(List<byte> data, Func<byte, bool> match, ref FuzzRandom random) =>
        data.Count == 0 ? -1 : Wrap(data, random.Next(data.Count), match);

    /// <summary>The first match at or after <paramref name="from"/>, wrapping around once.</summary>
    private static int Wrap(List<byte> data, int from, Func<byte, bool> match)
    {
        for (var i = 0; i < data.Count; i++)
        {
            var index = (from + i) % data.Count;
            if (match(data[index]))
            {
                return index;
            }
        }

        return -1;
    }

    private static int IndexOf(List<byte> data, ReadOnlySpan<byte> needle) =>
        System.Runtime.InteropServices.CollectionsMarshal.AsSpan(data).IndexOf(needle);
}
