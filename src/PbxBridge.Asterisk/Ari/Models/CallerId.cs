namespace PbxBridge.Asterisk.Ari.Models;

/// <summary>ARI CallerID: a caller's name and number.</summary>
public sealed class CallerId
{
    public string Name { get; set; } = "";

    public string Number { get; set; } = "";
}
