namespace PbxBridge.Sip.Sdp;

/// <summary>One media section (RFC 8866 §5.14): <c>m=</c> line, optional <c>c=</c>, and its attributes.</summary>
public sealed class MediaDescription
{
    public MediaDescription(string media, int port, string protocol, IReadOnlyList<string> formats)
    {
        Media = media;
        Port = port;
        Protocol = protocol;
        Formats = formats;
    }

    public string Media { get; }

    public int Port { get; }

    public string Protocol { get; }

    public IReadOnlyList<string> Formats { get; }

    public string? Connection { get; set; }

    public IList<SdpAttribute> Attributes { get; } = new List<SdpAttribute>();

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

    public bool HasAttribute(string name) => GetAttribute(name) is not null;

    public IEnumerable<string> GetAttributes(string name)
    {
        foreach (var attribute in Attributes)
        {
            if (string.Equals(attribute.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                yield return attribute.Value ?? string.Empty;
            }
        }
    }

    public void Add(string name, string? value = null) => Attributes.Add(new SdpAttribute(name, value));
}
