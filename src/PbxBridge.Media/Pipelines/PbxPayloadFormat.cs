namespace PbxBridge.Media;

/// <summary>What the PBX leg carries: PCMU (PT 0, 8 kHz), PCMA (PT 8, 8 kHz) or Asterisk slin16 (PT 118, 16 kHz L16).</summary>
public enum PbxPayloadFormat
{
    Pcmu,
    Pcma,
    L16Wideband,
}
