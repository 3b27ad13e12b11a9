namespace PbxBridge.Asterisk;

/// <summary>Reads the agent id from Stasis app arguments: "agent=1001" (our shipped dialplan) or "agent-1001".</summary>
internal static class InboundArgs
{
    public static string? AgentId(IReadOnlyList<string> args)
    {
        foreach (var arg in args)
        {
            var value = arg.StartsWith("agent=", StringComparison.Ordinal) || arg.StartsWith("agent-", StringComparison.Ordinal)
                ? arg[6..]
                : null;
            var at = value?.IndexOf('@', StringComparison.Ordinal) ?? -1;
            if (at >= 0)
            {
                value = value![..at];
            }

            if (!string.IsNullOrEmpty(value) && IsAgentId(value))
            {
                return value;
            }
        }

        return null;
    }

    private static bool IsAgentId(string value)
    {
        foreach (var c in value)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('.' or '_' or '-'))
            {
                return false;
            }
        }

        return true;
    }
}
