namespace PbxBridge.Sip.Sdp;

/// <summary>One <c>a=</c> line (RFC 8866 §5.13): a property attribute has no value, a value attribute has one.</summary>
public sealed record SdpAttribute(string Name, string? Value)
{
    public override string ToString() => Value is null ? $"a={Name}" : $"a={Name}:{Value}";
}
