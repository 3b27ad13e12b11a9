namespace PbxBridge.Asterisk.Ari;

/// <summary>The JSON body ARI takes channel variables in: {"variables": {"NAME": "value"}}.</summary>
internal sealed class ChannelVariablesBody
{
    public Dictionary<string, string> Variables { get; set; } = new(StringComparer.Ordinal);
}
