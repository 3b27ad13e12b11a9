using System.Globalization;
using System.Text;

namespace PbxBridge.Sip.Sdp;

/// <summary>
/// An SDP session description (RFC 8866): the session-level lines we care about plus its media sections.
/// Parsing is tolerant (unknown line types and attributes are skipped, LF or CRLF accepted) because browsers
/// add lines freely; serializing writes the RFC's order with CRLF.
/// </summary>
public sealed class SessionDescription
{
    public string Origin { get; set; } = "- 0 0 IN IP4 127.0.0.1";

    public string SessionName { get; set; } = "-";

    public string? Connection { get; set; }

    public string Timing { get; set; } = "0 0";

    public IList<SdpAttribute> Attributes { get; } = new List<SdpAttribute>();

    public IList<MediaDescription> Media { get; } = new List<MediaDescription>();

    public string? GetAttribute(string name)
    {
        foreach (var attribute in Attributes)
        {
            if (string.Equals(attribute.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return attribute.Value ?? string.Empty;
            }
        }

        return null;
    }

    public void Add(string name, string? value = null) => Attributes.Add(new SdpAttribute(name, value));

    public static bool TryParse(string text, out SessionDescription description, out string error)
    {
        description = new SessionDescription();
        error = string.Empty;
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "empty SDP";
            return false;
        }

        MediaDescription? media = null;
        var sawVersion = false;
        foreach (var rawLine in text.Split('\n'))
        {
            var line = rawLine.TrimEnd('\r');
            if (line.Length == 0)
            {
                continue;
            }

            if (line.Length < 2 || line[1] != '=')
            {
                error = $"not an SDP line: '{Truncate(line)}'";
                return false;
            }

            var value = line[2..];
            switch (line[0])
            {
                case 'v':
                    if (value != "0")
                    {
                        error = $"unsupported SDP version '{Truncate(value)}'";
                        return false;
                    }

                    sawVersion = true;
                    break;
                case 'o' when media is null:
                    description.Origin = value;
                    break;
                case 's' when media is null:
                    description.SessionName = value;
                    break;
                case 't' when media is null:
                    description.Timing = value;
                    break;
                case 'c':
                    if (media is null)
                    {
                        description.Connection = value;
                    }
                    else
                    {
                        media.Connection = value;
                    }

                    break;
                case 'm':
                    if (!TryParseMediaLine(value, out media))
                    {
                        error = $"malformed m= line '{Truncate(value)}'";
                        return false;
                    }

                    description.Media.Add(media);
                    break;
                case 'a':
                    var colon = value.IndexOf(':', StringComparison.Ordinal);
                    var attribute = colon < 0 ? new SdpAttribute(value, null) : new SdpAttribute(value[..colon], value[(colon + 1)..]);
                    if (media is null)
                    {
                        description.Attributes.Add(attribute);
                    }
                    else
                    {
                        media.Attributes.Add(attribute);
                    }

                    break;
                default:
                    // i=, u=, e=, p=, b=, r=, z=, k=: nothing an audio-only ICE-lite answerer needs.
                    break;
            }
        }

        if (!sawVersion)
        {
            error = "SDP has no v= line";
            return false;
        }

        return true;
    }

    public override string ToString()
    {
        var sdp = new StringBuilder();
        sdp.Append("v=0\r\n");
        sdp.Append("o=").Append(Origin).Append("\r\n");
        sdp.Append("s=").Append(SessionName).Append("\r\n");
        if (Connection is not null)
        {
            sdp.Append("c=").Append(Connection).Append("\r\n");
        }

        sdp.Append("t=").Append(Timing).Append("\r\n");
        foreach (var attribute in Attributes)
        {
            sdp.Append(attribute).Append("\r\n");
        }

        foreach (var media in Media)
        {
            sdp.Append("m=").Append(media.Media).Append(' ').Append(media.Port.ToString(CultureInfo.InvariantCulture))
                .Append(' ').Append(media.Protocol).Append(' ').Append(string.Join(' ', media.Formats)).Append("\r\n");
            if (media.Connection is not null)
            {
                sdp.Append("c=").Append(media.Connection).Append("\r\n");
            }

            foreach (var attribute in media.Attributes)
            {
                sdp.Append(attribute).Append("\r\n");
            }
        }

        return sdp.ToString();
    }

    private static bool TryParseMediaLine(string value, out MediaDescription media)
    {
        media = null!;
        var parts = value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length < 3)
        {
            return false;
        }

        // "port/number-of-ports" is legal; only the port matters here.
        var portText = parts[1].Split('/')[0];
        if (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port > 65535)
        {
            return false;
        }

        media = new MediaDescription(parts[0], port, parts[2], parts[3..]);
        return true;
    }

    private static string Truncate(string text) => text.Length <= 40 ? text : text[..40] + "...";
}
