using System.Text;

namespace PbxBridge.FreeSwitch.Esl;

/// <summary>
/// switch_url_encode / switch_url_decode as plain and XML event values use them (switch_event.c:1585): bytes below
/// 0x20 or above 0x7E and the characters of SWITCH_URL_UNSAFE (switch_utils.h:47) become %XX; an existing %XX is not
/// re-encoded; commas stay as they are.
/// </summary>
public static class EslUrlEncoding
{
    private const string Unsafe = "\r\n #%&+:;<=>?@[\\]^`{|}\"";

    /// <summary>Decodes every %XX once; a '%' not followed by two hex digits is kept literally, as FreeSWITCH does.</summary>
    public static string Decode(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (!value.Contains('%', StringComparison.Ordinal))
        {
            return value;
        }

        var bytes = new List<byte>(value.Length);
        Span<byte> utf8 = stackalloc byte[4];
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c == '%' && i + 2 < value.Length && IsHex(value[i + 1]) && IsHex(value[i + 2]))
            {
                bytes.Add((byte)((HexValue(value[i + 1]) << 4) | HexValue(value[i + 2])));
                i += 2;
                continue;
            }

            if (c < 0x80)
            {
                bytes.Add((byte)c);
                continue;
            }

            var written = Encoding.UTF8.GetBytes(value.AsSpan(i, char.IsHighSurrogate(c) && i + 1 < value.Length ? 2 : 1), utf8);
            for (var k = 0; k < written; k++)
            {
                bytes.Add(utf8[k]);
            }

            if (written == 4)
            {
                i++;
            }
        }

        return Encoding.UTF8.GetString([.. bytes]);
    }

    /// <summary>Encodes like switch_url_encode: unsafe and non-printable bytes become %XX, an existing %XX stays.</summary>
    public static string Encode(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var bytes = Encoding.UTF8.GetBytes(value);
        var builder = new StringBuilder(bytes.Length);
        for (var i = 0; i < bytes.Length; i++)
        {
            var b = bytes[i];
            var alreadyEncoded = b == (byte)'%' && i + 2 < bytes.Length && IsHex((char)bytes[i + 1]) && IsHex((char)bytes[i + 2]);
            if (!alreadyEncoded && (b < 0x20 || b > 0x7E || Unsafe.Contains((char)b, StringComparison.Ordinal)))
            {
                builder.Append('%').Append(HexDigit(b >> 4)).Append(HexDigit(b & 0xF));
            }
            else
            {
                builder.Append((char)b);
            }
        }

        return builder.ToString();
    }

    private static bool IsHex(char c) => char.IsAsciiHexDigit(c);

    private static int HexValue(char c) => c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;

    private static char HexDigit(int nibble) => (char)(nibble < 10 ? '0' + nibble : 'A' + nibble - 10);
}
