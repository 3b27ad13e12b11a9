using System.Text;
using System.Text.Json;
using System.Xml;
using System.Xml.Linq;

namespace PbxBridge.FreeSwitch.Esl;

/// <summary>
/// A FreeSWITCH event (CHANNEL_ANSWER, DTMF, BACKGROUND_JOB, ...) with its headers decoded, whichever format the
/// connection subscribed in: plain (URL-encoded "Name: value" lines and an optional nested Content-Length body),
/// JSON (plain strings, the body under "_body") or XML (URL-encoded element text, the body in &lt;body&gt;).
/// </summary>
public sealed class EslEvent
{
    private readonly Dictionary<string, string> _headers;

    public EslEvent(IReadOnlyDictionary<string, string> headers, string? body)
    {
        ArgumentNullException.ThrowIfNull(headers);
        _headers = new Dictionary<string, string>(headers, StringComparer.OrdinalIgnoreCase);
        Body = body;
    }

    public string Name => GetHeader("Event-Name") ?? string.Empty;

    /// <summary>The channel this event is about (absent on BACKGROUND_JOB, HEARTBEAT).</summary>
    public string? UniqueId => GetHeader("Unique-ID");

    public IReadOnlyDictionary<string, string> Headers => _headers;

    /// <summary>The event body (BACKGROUND_JOB: the command's output), or null.</summary>
    public string? Body { get; }

    public string? GetHeader(string name) => _headers.TryGetValue(name, out var value) ? value : null;

    /// <summary>A channel variable (the header "variable_&lt;name&gt;").</summary>
    public string? GetVariable(string name) => GetHeader("variable_" + name);

    /// <summary>Parses the body of a text/event-plain, text/event-json or text/event-xml frame.</summary>
    /// <exception cref="EslProtocolException">Not an event frame, or its body is malformed.</exception>
    public static EslEvent Parse(EslMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return message.ContentType switch
        {
            EslContentType.EventPlain => ParsePlain(message.Body.Span),
            EslContentType.EventJson => ParseJson(message.Body),
            EslContentType.EventXml => ParseXml(message.BodyText),
            _ => throw new EslProtocolException($"not an event frame: Content-Type '{message.ContentType}'"),
        };
    }

    private static EslEvent ParsePlain(ReadOnlySpan<byte> body)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        while (body.Length > 0)
        {
            var newline = body.IndexOf((byte)'\n');
            var line = newline < 0 ? body : body[..newline];
            body = newline < 0 ? [] : body[(newline + 1)..];
            if (line.Length > 0 && line[^1] == (byte)'\r')
            {
                line = line[..^1];
            }

            if (line.Length == 0)
            {
                break;
            }

            var colon = line.IndexOf((byte)':');
            if (colon <= 0)
            {
                throw new EslProtocolException("plain event line without a header name");
            }

            var name = Encoding.UTF8.GetString(line[..colon]);
            var value = Encoding.UTF8.GetString(line[(colon + 1)..]).TrimStart(' ');
            if (string.Equals(name, "Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                // The nested body follows the blank line after this header block.
                if (!int.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var length))
                {
                    throw new EslProtocolException($"plain event Content-Length '{(value.Length <= 20 ? value : value[..20] + "...")}' is not a length");
                }

                var blank = body.IndexOf((byte)'\n');
                var rest = blank < 0 ? [] : body[(blank + 1)..];
                if (length > rest.Length)
                {
                    throw new EslProtocolException($"plain event body shorter than its Content-Length {length}");
                }

                return new EslEvent(headers, Encoding.UTF8.GetString(rest[..length]));
            }

            headers[name] = EslUrlEncoding.Decode(value);
        }

        return new EslEvent(headers, null);
    }

    private static EslEvent ParseJson(ReadOnlyMemory<byte> body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new EslProtocolException("JSON event is not an object");
            }

            var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            string? eventBody = null;
            foreach (var property in document.RootElement.EnumerateObject())
            {
                var value = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString()! : property.Value.GetRawText();
                if (property.NameEquals("_body"))
                {
                    eventBody = value;
                }
                else
                {
                    headers[property.Name] = value;
                }
            }

            return new EslEvent(headers, eventBody);
        }
        catch (JsonException e)
        {
            throw new EslProtocolException("malformed JSON event", e);
        }
        catch (InvalidOperationException e)
        {
            // JsonDocument accepts invalid UTF-8 inside strings; reading such a string as .NET text throws this.
            throw new EslProtocolException("JSON event with a string that is not UTF-8", e);
        }
    }

    private static EslEvent ParseXml(string body)
    {
        try
        {
            var root = XElement.Parse(body);
            var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (var element in root.Element("headers")?.Elements() ?? [])
            {
                headers[element.Name.LocalName] = EslUrlEncoding.Decode(element.Value);
            }

            return new EslEvent(headers, root.Element("body")?.Value);
        }
        catch (XmlException e)
        {
            throw new EslProtocolException("malformed XML event", e);
        }
    }
}
