using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace PbxBridge.Fuzzing.Engine;

/// <summary>
/// Byte-level mutations, each one small and blind to the protocol: flips, sets, inserts, deletes, duplicated and
/// spliced chunks, truncation, arithmetic, and interesting integers written at random offsets or at the input's
/// own length/count fields (<see cref="LengthFieldLocator"/>).
/// </summary>
internal static class BinaryMutations
{
    public static void FlipBit(List<byte> data, ref FuzzRandom random)
    {
        if (data.Count > 0)
        {
            var at = random.Next(data.Count);
            data[at] ^= (byte)(1 << random.Next(8));
        }
    }

    public static void SetByte(List<byte> data, ref FuzzRandom random)
    {
        if (data.Count > 0)
        {
            data[random.Next(data.Count)] = random.Chance(2) ? random.NextByte() : random.Pick(InterestingValues.Bytes);
        }
    }

    public static void AddToByte(List<byte> data, ref FuzzRandom random)
    {
        if (data.Count > 0)
        {
            var at = random.Next(data.Count);
            data[at] = (byte)(data[at] + random.Next(-35, 36));
        }
    }

    public static void InsertBytes(List<byte> data, ref FuzzRandom random)
    {
        var at = random.Next(data.Count + 1);
        var count = random.Chance(8) ? random.Next(64, 1024) : random.Next(1, 17);
        var fill = random.Chance(2) ? (byte?)random.Pick(InterestingValues.Bytes) : null;
        for (var i = 0; i < count; i++)
        {
            data.Insert(at, fill ?? random.NextByte());
        }
    }

    public static void DeleteRange(List<byte> data, ref FuzzRandom random)
    {
        if (data.Count > 0)
        {
            var at = random.Next(data.Count);
            data.RemoveRange(at, Math.Min(random.Next(1, 33), data.Count - at));
        }
    }

    public static void Truncate(List<byte> data, ref FuzzRandom random)
    {
        if (data.Count > 0)
        {
            var keep = random.Next(data.Count);
            data.RemoveRange(keep, data.Count - keep);
        }
    }

    public static void DuplicateChunk(List<byte> data, int maxLength, ref FuzzRandom random)
    {
        if (data.Count > 0)
        {
            var from = random.Next(data.Count);
            var length = Math.Min(random.Next(1, 129), data.Count - from);
            var chunk = data.GetRange(from, length);
            var times = random.Chance(8) ? random.Next(2, 64) : 1;
            times = Math.Clamp((maxLength - data.Count) / length, 1, times);
            var block = new byte[chunk.Count * times];
            for (var i = 0; i < times; i++)
            {
                chunk.CopyTo(block, i * chunk.Count);
            }

            data.InsertRange(random.Next(data.Count + 1), block);
        }
    }

    /// <summary>A chunk of another seed inserted or written over this one: mixes two valid structures.</summary>
    public static void Splice(List<byte> data, byte[] other, ref FuzzRandom random)
    {
        if (other.Length == 0)
        {
            return;
        }

        var from = random.Next(other.Length);
        var length = Math.Min(random.Next(1, 257), other.Length - from);
        var at = random.Next(data.Count + 1);
        if (random.Chance(2))
        {
            data.InsertRange(at, other.AsSpan(from, length).ToArray());
            return;
        }

        for (var i = 0; i < length; i++)
        {
            if (at + i < data.Count)
            {
                data[at + i] = other[from + i];
            }
            else
            {
                data.Add(other[from + i]);
            }
        }
    }

    public static void InterestingIntegerAnywhere(List<byte> data, ref FuzzRandom random)
    {
        var width = random.Chance(2) ? 2 : 4;
        if (data.Count < width)
        {
            return;
        }

        var at = random.Next(data.Count - width + 1);
        var value = width == 2 ? random.Pick(InterestingValues.UInt16s) : random.Pick(InterestingValues.UInt32s);
        Write(data, new LengthField(at, width), value, bigEndian: !random.Chance(4));
    }

    /// <summary>
    /// A length or count field set to an edge value, or to the truth plus or minus a little: the classic way to
    /// make a parser read past the end or allocate what the peer asked for.
    /// </summary>
    public static void LieInLengthField(List<byte> data, LengthFieldLocator locator, List<LengthField> scratch, ref FuzzRandom random)
    {
        scratch.Clear();
        locator(CollectionsMarshal.AsSpan(data), scratch);
        if (scratch.Count == 0)
        {
            InterestingIntegerAnywhere(data, ref random);
            return;
        }

        var field = random.Pick(scratch);
        if (field.Offset < 0 || field.Offset + field.Width > data.Count)
        {
            return;
        }

        uint value;
        switch (random.Next(3))
        {
            case 0:
                value = field.Width switch
                {
                    1 => random.Pick(InterestingValues.Bytes),
                    2 => random.Pick(InterestingValues.UInt16s),
                    _ => random.Pick(InterestingValues.UInt32s),
                };
                break;
            case 1:
                var remaining = (data.Count - field.Offset - field.Width) / Math.Max(1, field.Unit);
                value = (uint)Math.Max(0, remaining + random.Next(-2, 3));
                break;
            default:
                value = (uint)(Read(data, field) + random.Next(-4, 5));
                break;
        }

        Write(data, field, value, bigEndian: true);
    }

    private static uint Read(List<byte> data, LengthField field)
    {
        var span = CollectionsMarshal.AsSpan(data).Slice(field.Offset, field.Width);
        return field.Width switch
        {
            1 => span[0],
            2 => BinaryPrimitives.ReadUInt16BigEndian(span),
            _ => BinaryPrimitives.ReadUInt32BigEndian(span),
        };
    }

    private static void Write(List<byte> data, LengthField field, uint value, bool bigEndian)
    {
        var span = CollectionsMarshal.AsSpan(data).Slice(field.Offset, field.Width);
        switch (field.Width)
        {
            case 1:
                span[0] = (byte)value;
                break;
            case 2 when bigEndian:
                BinaryPrimitives.WriteUInt16BigEndian(span, (ushort)value);
                break;
            case 2:
                BinaryPrimitives.WriteUInt16LittleEndian(span, (ushort)value);
                break;
            default:
                if (bigEndian)
                {
                    BinaryPrimitives.WriteUInt32BigEndian(span, value);
                }
                else
                {
                    BinaryPrimitives.WriteUInt32LittleEndian(span, value);
                }

                break;
        }
    }
}
