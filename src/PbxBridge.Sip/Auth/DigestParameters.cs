namespace PbxBridge.Sip.Auth;

/// <summary>Parses the comma-separated auth-params after "Digest" (name=token or name="quoted").</summary>
internal static class DigestParameters
{
    public static bool TryParse(string headerValue, out Dictionary<string, string> parameters)
    {
        parameters = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var s = headerValue.Trim();
        if (!s.StartsWith("Digest", StringComparison.OrdinalIgnoreCase) || (s.Length > 6 && !char.IsWhiteSpace(s[6])))
        {
            return false;
        }

        var i = 6;
        while (i < s.Length)
        {
            while (i < s.Length && (char.IsWhiteSpace(s[i]) || s[i] == ','))
            {
                i++;
            }

            if (i >= s.Length)
            {
                break;
            }

            var nameStart = i;
            while (i < s.Length && s[i] != '=' && s[i] != ',' && !char.IsWhiteSpace(s[i]))
            {
                i++;
            }

            var name = s[nameStart..i];
            while (i < s.Length && char.IsWhiteSpace(s[i]))
            {
                i++;
            }

            if (name.Length == 0 || i >= s.Length || s[i] != '=')
            {
                return false;
            }

            i++;
            while (i < s.Length && char.IsWhiteSpace(s[i]))
            {
                i++;
            }

            string value;
            if (i < s.Length && s[i] == '"')
            {
                var end = i + 1;
                var sb = new System.Text.StringBuilder();
                while (end < s.Length && s[end] != '"')
                {
                    if (s[end] == '\\' && end + 1 < s.Length)
                    {
                        end++;
                    }

                    sb.Append(s[end]);
                    end++;
                }

                if (end >= s.Length)
                {
                    return false;
                }

                value = sb.ToString();
                i = end + 1;
            }
            else
            {
                var valueStart = i;
                while (i < s.Length && s[i] != ',' && !char.IsWhiteSpace(s[i]))
                {
                    i++;
                }

                value = s[valueStart..i];
            }

            parameters[name] = value;
        }

        return true;
    }
}
