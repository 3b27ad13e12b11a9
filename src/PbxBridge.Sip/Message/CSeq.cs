using System.Globalization;

namespace PbxBridge.Sip.Message;

/// <summary>CSeq (RFC 3261 §20.16): a 32-bit sequence number and the request method.</summary>
public readonly record struct CSeq(uint Number, string Method)
{
    public static bool TryParse(string text, out CSeq value, out string? error)
    {
        value = default;
        var parts = text.Split([' ', '\t', '\r', '\n'], StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length != 2)
        {
            error = "CSeq must be a number and a method";
            return false;
        }

        if (!SipSyntax.TryParseDigits(parts[0], uint.MaxValue, out var number))
        {
            error = "CSeq number out of range";
            return false;
        }

        if (!SipSyntax.IsToken(parts[1]))
        {
            error = "CSeq method is not a token";
            return false;
        }

        value = new CSeq((uint)number, parts[1]);
        error = null;
        return true;
    }

    public override string ToString() => Number.ToString(CultureInfo.InvariantCulture) + " " + Method;
}
