namespace PbxBridge.Configuration;

/// <summary>Section "Pbx": which PBX PbxBridge controls. The adapters bind their own sub-sections.</summary>
public sealed class PbxOptions
{
    public const string Section = "Pbx";

    public PbxKind Kind { get; set; } = PbxKind.Demo;
}

public enum PbxKind
{
    Demo,
    Asterisk,
    FreeSwitch,
}
