using System.Globalization;
using System.Text;

namespace PbxBridge.LoadGen.Rtpengine;

/// <summary>
/// Bencoding as rtpengine's ng control protocol uses it: byte strings, integers, lists and dictionaries (keys sorted,
/// as the format requires). Decoding returns string / long / List&lt;object&gt; / Dictionary&lt;string, object&gt;.
/// </summary>
internal static class Bencode
{
    public static void Encode(StringBuilder output, object value)
    {
        switch (value)
        {
            case string text:
                output.Append(CultureInfo.InvariantCulture, $"{Encoding.UTF8.GetByteCount(text)}:{text}");
                break;
            case int or long:
                output.Append(CultureInfo.InvariantCulture, $"i{value}e");
                break;
            case IReadOnlyDictionary<string, object> dictionary:
                output.Append('d');
                foreach (var key in dictionary.Keys.Order(StringComparer.Ordinal))
                {
                    Encode(output, key);
                    Encode(output, dictionary[key]);
                }

                output.Append('e');
                break;
            case IEnumerable<object> list:
                output.Append('l');
                foreach (var item in list)
                {
                    Encode(output, item);
                }

                output.Append('e');
                break;
            default:
                throw new ArgumentException($"cannot bencode {value.GetType().Name}", nameof(value));
        }
    }

    public static object Decode(string text, ref int position)
    {
        switch (text[position])
        {
            case 'i':
                var end = text.IndexOf('e', position);
                var number = long.Parse(text.AsSpan(position + 1, end - position - 1), CultureInfo.InvariantCulture);
                position = end + 1;
                return number;
            case 'l':
                position++;
                var list = new List<object>();
                while (text[position] != 'e')
                {
                    list.Add(Decode(text, ref position));
                }

                position++;
                return list;
            case 'd':
                position++;
                var dictionary = new Dictionary<string, object>(StringComparer.Ordinal);
                while (text[position] != 'e')
                {
                    var key = (string)Decode(text, ref position);
                    dictionary[key] = Decode(text, ref position);
                }

                position++;
                return dictionary;
            default:
                // Lengths count bytes; ng payloads here (SDP, tokens) are ASCII, so bytes and chars agree.
                var colon = text.IndexOf(':', position);
                var length = int.Parse(text.AsSpan(position, colon - position), CultureInfo.InvariantCulture);
                position = colon + 1 + length;
                return text.Substring(colon + 1, length);
        }
    }
}
