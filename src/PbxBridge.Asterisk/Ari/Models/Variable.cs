namespace PbxBridge.Asterisk.Ari.Models;

/// <summary>ARI Variable: the value of one channel variable.</summary>
public sealed class Variable
{
    public string Value { get; set; } = "";
}
