namespace PbxBridge.Asterisk.Ari.Models;

/// <summary>ARI DialplanCEP: where a channel is in the dialplan (context, extension, priority) and the running app.</summary>
public sealed class DialplanCep
{
    public string Context { get; set; } = "";

    public string Exten { get; set; } = "";

    public long Priority { get; set; }

    public string AppName { get; set; } = "";

    public string AppData { get; set; } = "";
}
