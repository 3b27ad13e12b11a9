using System.Text;

namespace PbxBridge.FreeSwitch.Esl;

/// <summary>
/// One frame FreeSWITCH's mod_event_socket sent: a header block ended by an empty line and, only when the block
/// has a Content-Length header, exactly that many body bytes. Header order differs by message type (api/response
/// puts Content-Type first, events put Content-Length first), so headers are kept in wire order and looked up by name.
/// </summary>
public sealed class EslMessage
{
    private readonly List<KeyValuePair<string, string>> _headers;

    public EslMessage(IReadOnlyList<KeyValuePair<string, string>> headers, ReadOnlyMemory<byte> body)
    {
        ArgumentNullException.ThrowIfNull(headers);
        _headers = [.. headers];
        Body = body;
    }

    /// <summary>Headers as they arrived, values untouched (command/reply values are not URL-encoded).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Headers => _headers;

    public ReadOnlyMemory<byte> Body { get; }

    public string BodyText => Encoding.UTF8.GetString(Body.Span);

    /// <summary>Content-Type, e.g. "command/reply", "api/response", "text/event-json"; empty when absent.</summary>
    public string ContentType => GetHeader("Content-Type") ?? string.Empty;

    /// <summary>Reply-Text of a command/reply ("+OK accepted", "-ERR invalid").</summary>
    public string? ReplyText => GetHeader("Reply-Text");

    /// <summary>The first header with this name (case-insensitive, as FreeSWITCH compares them), or null.</summary>
    public string? GetHeader(string name)
    {
        foreach (var header in _headers)
        {
            if (string.Equals(header.Key, name, StringComparison.OrdinalIgnoreCase))
            {
                return header.Value;
            }
        }

        return null;
    }
}
