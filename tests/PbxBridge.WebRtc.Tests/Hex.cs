namespace PbxBridge.WebRtc.Tests;

/// <summary>Reads hex the way RFCs print it: with spaces, line breaks and either case.</summary>
internal static class Hex
{
    public static byte[] Parse(string text)
    {
        var digits = new System.Text.StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (Uri.IsHexDigit(c))
            {
                digits.Append(c);
            }
        }

        return Convert.FromHexString(digits.ToString());
    }

    public static string Of(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(bytes);
}
