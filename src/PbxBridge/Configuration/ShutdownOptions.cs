namespace PbxBridge.Configuration;

/// <summary>Section "Shutdown": how long SIGTERM lets active calls finish before hanging them up on both sides.</summary>
public sealed class ShutdownOptions
{
    public const string Section = "Shutdown";

    public int DrainSeconds { get; set; } = 30;
}
