namespace PbxBridge.FreeSwitch.Esl;

/// <summary>The Reply-Text of a command/reply: "+OK ..." on success, "-ERR ..." otherwise.</summary>
public sealed record EslReply(string Text)
{
    public bool IsOk => Text.StartsWith("+OK", StringComparison.Ordinal);

    /// <summary>The text after "+OK " / "-ERR ", e.g. "invalid" or "NORMAL_TEMPORARY_FAILURE".</summary>
    public string Detail
    {
        get
        {
            var space = Text.IndexOf(' ', StringComparison.Ordinal);
            return space < 0 ? string.Empty : Text[(space + 1)..].Trim();
        }
    }

    public override string ToString() => Text;
}
