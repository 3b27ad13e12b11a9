namespace PbxBridge.Fuzzing.Engine;

/// <summary>
/// Turns (run seed, input index) into one input: picks a seed, then stacks one to eight mutations on it, byte-level
/// for every protocol and line/token-level as well for text protocols. Deterministic: the same two numbers always
/// give the same bytes, which is what makes a failure reproducible from its printed seed and index.
/// </summary>
public sealed class MutationEngine
{
    private const int MaxStackedMutations = 8;

    private readonly IReadOnlyList<byte[]> _seeds;
    private readonly bool _text;
    private readonly IReadOnlyList<byte[]> _tokens;
    private readonly LengthFieldLocator? _lengthFields;
    private readonly List<byte> _data = new(4096);
    private readonly List<LengthField> _fields = [];
    private readonly int _maxLength;

    /// <param name="maxLength">The largest input the target can receive (a UDP receive buffer, the SIP message limit);
    /// every mutation's result is cut there, so stacked growth (a stretched line duplicated a thousand times) stays
    /// as large as the network could deliver and no larger.</param>
    public MutationEngine(IReadOnlyList<byte[]> seeds, bool text, IReadOnlyList<byte[]>? tokens = null, LengthFieldLocator? lengthFields = null, int maxLength = FuzzTarget.DefaultMaxInputLength)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLength, 1);
        _maxLength = maxLength;
        ArgumentNullException.ThrowIfNull(seeds);
        if (seeds.Count == 0)
        {
            throw new ArgumentException("A mutation engine needs at least one seed.", nameof(seeds));
        }

        _seeds = seeds;
        _text = text;
        _tokens = tokens ?? [];
        _lengthFields = lengthFields;
    }

    public byte[] Next(ulong runSeed, long index)
    {
        var random = new FuzzRandom(runSeed, index);
        var seed = random.Pick(_seeds);
        _data.Clear();
        _data.AddRange(seed.AsSpan(0, Math.Min(seed.Length, _maxLength)));

        // One input in 64 is a seed as it is, so the accepting path stays exercised whatever the mutators do.
        if (random.Chance(64))
        {
            return [.. _data];
        }

        var mutations = 1;
        while (mutations < MaxStackedMutations && random.Chance(2))
        {
            mutations++;
        }

        for (var i = 0; i < mutations; i++)
        {
            if (_text && random.Chance(2))
            {
                MutateText(ref random);
            }
            else
            {
                MutateBytes(ref random);
            }

            if (_data.Count > _maxLength)
            {
                _data.RemoveRange(_maxLength, _data.Count - _maxLength);
            }
        }

        return [.. _data];
    }

    private void MutateBytes(ref FuzzRandom random)
    {
        switch (random.Next(11))
        {
            case 0:
                BinaryMutations.FlipBit(_data, ref random);
                break;
            case 1:
                BinaryMutations.SetByte(_data, ref random);
                break;
            case 2:
                BinaryMutations.AddToByte(_data, ref random);
                break;
            case 3:
                BinaryMutations.InsertBytes(_data, ref random);
                break;
            case 4:
                BinaryMutations.DeleteRange(_data, ref random);
                break;
            case 5:
                BinaryMutations.Truncate(_data, ref random);
                break;
            case 6:
                BinaryMutations.DuplicateChunk(_data, _maxLength, ref random);
                break;
            case 7:
                BinaryMutations.Splice(_data, random.Pick(_seeds), ref random);
                break;
            case 8:
                BinaryMutations.InterestingIntegerAnywhere(_data, ref random);
                break;
            default:
                if (_lengthFields is not null)
                {
                    BinaryMutations.LieInLengthField(_data, _lengthFields, _fields, ref random);
                }
                else
                {
                    BinaryMutations.FlipBit(_data, ref random);
                }

                break;
        }
    }

    private void MutateText(ref FuzzRandom random)
    {
        switch (random.Next(12))
        {
            case 0:
                TextMutations.DuplicateLine(_data, _maxLength, ref random);
                break;
            case 1:
                TextMutations.DropLine(_data, ref random);
                break;
            case 2:
                TextMutations.SwapLines(_data, ref random);
                break;
            case 3:
                TextMutations.FoldLine(_data, ref random);
                break;
            case 4:
            case 5:
                TextMutations.LineEndingGame(_data, ref random);
                break;
            case 6:
                TextMutations.ReplaceNumber(_data, ref random);
                break;
            case 7:
                TextMutations.LieInContentLength(_data, ref random);
                break;
            case 8:
                TextMutations.InsertToken(_data, _tokens, ref random);
                break;
            case 9:
                TextMutations.Delimiter(_data, ref random);
                break;
            case 10:
                TextMutations.FlipCase(_data, ref random);
                break;
            default:
                if (random.Chance(4))
                {
                    TextMutations.StretchToken(_data, _maxLength, ref random);
                }
                else
                {
                    TextMutations.Delimiter(_data, ref random);
                }

                break;
        }
    }
}
