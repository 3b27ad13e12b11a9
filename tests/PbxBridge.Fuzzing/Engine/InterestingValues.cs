namespace PbxBridge.Fuzzing.Engine;

/// <summary>
/// Values that sit on the edges parsers get wrong: zero, one, sign and width boundaries, all-ones. The text forms
/// add what number parsers see in SIP and SDP: signs, leading zeros, overflow of 32 and 64 bits, exponent and hex.
/// </summary>
public static class InterestingValues
{
    public static readonly byte[] Bytes = [0x00, 0x01, 0x02, 0x03, 0x04, 0x0F, 0x10, 0x14, 0x16, 0x17, 0x1F, 0x20, 0x3F, 0x40, 0x7E, 0x7F, 0x80, 0x81, 0xBF, 0xC0, 0xFE, 0xFF];

    public static readonly ushort[] UInt16s = [0, 1, 2, 3, 4, 0x7F, 0x80, 0xFF, 0x100, 0x3FFF, 0x4000, 0x7FFF, 0x8000, 0xFFFE, 0xFFFF];

    public static readonly uint[] UInt32s = [0, 1, 0x7F, 0xFF, 0xFFFF, 0x10000, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFE, 0xFFFFFFFF];

    public static readonly string[] Numbers =
    [
        "0", "1", "-1", "+1", "007", "65535", "65536", "2147483647", "2147483648", "-2147483649", "4294967295",
        "4294967296", "9223372036854775807", "99999999999999999999999", "1e9", "0x10", " 5", "5 ", "", "1.5", "NaN",
    ];

    /// <summary>Characters that separate tokens in SIP and SDP: each one is a branch in some parser.</summary>
    public static readonly byte[] TextDelimiters = "\r\n:;,<>\"\\=@%/ \t\0[]?&+*'"u8.ToArray().Concat(new byte[] { 0x7F, 0xC3, 0xFF }).ToArray();
}
