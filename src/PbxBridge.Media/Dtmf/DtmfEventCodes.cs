namespace PbxBridge.Media.Dtmf;

/// <summary>RFC 4733 §3.2 table 1: event codes 0-15 are the DTMF keys 0-9, *, #, A-D.</summary>
public static class DtmfEventCodes
{
    private const string Digits = "0123456789*#ABCD";

    public static bool TryGetDigit(byte eventCode, out char digit)
    {
        if (eventCode < Digits.Length)
        {
            digit = Digits[eventCode];
            return true;
        }

        digit = '\0';
        return false;
    }

    public static bool TryGetEventCode(char digit, out byte eventCode)
    {
        var index = Digits.IndexOf(char.ToUpperInvariant(digit), StringComparison.Ordinal);
        eventCode = (byte)Math.Max(index, 0);
        return index >= 0;
    }
}
