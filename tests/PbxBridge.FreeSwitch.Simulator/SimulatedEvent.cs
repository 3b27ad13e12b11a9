using System.Globalization;
using System.Text;
using System.Text.Json;

namespace PbxBridge.FreeSwitch.Simulator;

/// <summary>
/// A FreeSWITCH event as the simulator emits it, written exactly like mod_event_socket does (transcripts 03, 04):
/// plain = "Content-Length: N\nContent-Type: text/event-plain\n\n" then URL-encoded "Name: value\n" lines, a blank
/// line and, for a body, "Content-Length: M\n\n&lt;body&gt;"; JSON = the same outer frame around one object whose
/// body is "_body".
/// </summary>
public sealed class SimulatedEvent
{
    private const string Unsafe = "\r\n #%&+:;<=>?@[\\]^`{|}\"";
    private static long s_sequence = 2000;

    public SimulatedEvent(string name, string? uniqueId = null)
    {
        var now = DateTimeOffset.UtcNow;
        Headers.Add(new("Event-Name", name));
        Headers.Add(new("Core-UUID", FreeSwitchSimulator.CoreUuid));
        Headers.Add(new("FreeSWITCH-Hostname", "vm"));
        Headers.Add(new("FreeSWITCH-Switchname", "vm"));
        Headers.Add(new("FreeSWITCH-IPv4", "192.0.2.2"));
        Headers.Add(new("FreeSWITCH-IPv6", "fd00::2"));
        Headers.Add(new("Event-Date-Local", now.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)));
        Headers.Add(new("Event-Date-GMT", now.ToString("ddd, dd MMM yyyy HH:mm:ss 'GMT'", CultureInfo.InvariantCulture)));
        Headers.Add(new("Event-Date-Timestamp", (now.ToUnixTimeMilliseconds() * 1000).ToString(CultureInfo.InvariantCulture)));
        Headers.Add(new("Event-Sequence", Interlocked.Increment(ref s_sequence).ToString(CultureInfo.InvariantCulture)));
        if (uniqueId is not null)
        {
            Headers.Add(new("Unique-ID", uniqueId));
        }
    }

    public List<KeyValuePair<string, string>> Headers { get; } = [];

    public string? Body { get; set; }

    public string Name => Headers[0].Value;

    public string? Get(string name) => Headers.FirstOrDefault(h => h.Key == name).Value;

    public SimulatedEvent Add(string name, string value)
    {
        Headers.Add(new(name, value));
        return this;
    }

    public byte[] ToFrame(bool json)
    {
        string body;
        if (json)
        {
            using var memory = new MemoryStream();
            using (var writer = new Utf8JsonWriter(memory))
            {
                writer.WriteStartObject();
                foreach (var header in Headers)
                {
                    writer.WriteString(header.Key, header.Value);
                }

                if (Body is not null)
                {
                    writer.WriteString("_body", Body);
                }

                writer.WriteEndObject();
            }

            body = Encoding.UTF8.GetString(memory.ToArray());
        }
        else
        {
            var text = new StringBuilder();
            foreach (var header in Headers)
            {
                text.Append(header.Key).Append(": ").Append(UrlEncode(header.Value)).Append('\n');
            }

            if (Body is not null)
            {
                text.Append("Content-Length: ").Append(Encoding.UTF8.GetByteCount(Body).ToString(CultureInfo.InvariantCulture)).Append("\n\n").Append(Body);
            }
            else
            {
                text.Append('\n');
            }

            body = text.ToString();
        }

        var length = Encoding.UTF8.GetByteCount(body).ToString(CultureInfo.InvariantCulture);
        return Encoding.UTF8.GetBytes($"Content-Length: {length}\nContent-Type: text/event-{(json ? "json" : "plain")}\n\n{body}");
    }

    /// <summary>switch_url_encode (switch_utils.h:47 SWITCH_URL_UNSAFE), as plain events carry values.</summary>
    public static string UrlEncode(string value)
    {
        var text = new StringBuilder();
        foreach (var b in Encoding.UTF8.GetBytes(value))
        {
            if (b < 0x20 || b > 0x7E || Unsafe.Contains((char)b, StringComparison.Ordinal))
            {
                text.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
            else
            {
                text.Append((char)b);
            }
        }

        return text.ToString();
    }
}
