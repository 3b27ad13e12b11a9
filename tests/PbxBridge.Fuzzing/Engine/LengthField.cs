namespace PbxBridge.Fuzzing.Engine;

/// <summary>
/// A length or count field of a binary protocol: where it is, how wide (1, 2 or 4 bytes, big-endian), and the
/// unit it counts in (1 for bytes, 4 for 32-bit words as in RTCP and the RTP extension header).
/// </summary>
public readonly record struct LengthField(int Offset, int Width, int Unit = 1);

/// <summary>Finds the length/count fields of one input, so mutations can set them to lies and edge values.</summary>
public delegate void LengthFieldLocator(ReadOnlySpan<byte> data, List<LengthField> fields);
