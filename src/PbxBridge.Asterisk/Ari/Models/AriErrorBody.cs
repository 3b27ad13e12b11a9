namespace PbxBridge.Asterisk.Ari.Models;

/// <summary>An ARI error body: usually {"message": ...}, but POST /channels allocation failures use {"error": ...}.</summary>
public sealed class AriErrorBody
{
    public string? Message { get; set; }

    public string? Error { get; set; }
}
