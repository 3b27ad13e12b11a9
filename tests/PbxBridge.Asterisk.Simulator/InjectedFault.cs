namespace PbxBridge.Asterisk.Simulator;

/// <summary>
/// A REST failure the test asked for: the next <see cref="Remaining"/> requests with this method and path fail.
/// The path is matched segment by segment; "*" matches any one segment ("/bridges/*/addChannel").
/// </summary>
internal sealed class InjectedFault(string method, string path, int status, string message, int remaining)
{
    public string Method { get; } = method;

    public string Path { get; } = path;

    public int Status { get; } = status;

    public string Message { get; } = message;

    public int Remaining { get; set; } = remaining;

    public bool Matches(string method, string path)
    {
        if (Remaining <= 0 || !string.Equals(method, Method, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var wanted = Path.Trim('/').Split('/');
        var actual = path.Trim('/').Split('/');
        if (wanted.Length != actual.Length)
        {
            return false;
        }

        for (var i = 0; i < wanted.Length; i++)
        {
            if (wanted[i] != "*" && wanted[i] != actual[i])
            {
                return false;
            }
        }

        return true;
    }
}
