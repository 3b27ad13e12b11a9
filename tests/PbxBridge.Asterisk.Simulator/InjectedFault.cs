namespace PbxBridge.Asterisk.Simulator;

/// <summary>A REST failure the test asked for: the next <see cref="Remaining"/> requests matching method+path prefix fail.</summary>
internal sealed class InjectedFault(string method, string pathPrefix, int status, string message, int remaining)
{
    public string Method { get; } = method;

    public string PathPrefix { get; } = pathPrefix;

    public int Status { get; } = status;

    public string Message { get; } = message;

    public int Remaining { get; set; } = remaining;

    public bool Matches(string method, string path) =>
        Remaining > 0
        && string.Equals(method, Method, StringComparison.OrdinalIgnoreCase)
        && path.StartsWith(PathPrefix, StringComparison.Ordinal);
}
