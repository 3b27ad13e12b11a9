namespace PbxBridge.Media.Dtmf;

/// <summary>A completed DTMF key press: the digit (0-9, *, #, A-D) and how long it was held.</summary>
public readonly record struct DtmfDigitEvent(char Digit, TimeSpan Duration);
