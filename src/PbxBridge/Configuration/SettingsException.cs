namespace PbxBridge.Configuration;

/// <summary>The configuration cannot run: each line names the key, the bad value and what is allowed.</summary>
public sealed class SettingsException : Exception
{
    public SettingsException(IReadOnlyList<string> errors)
        : base(string.Join(Environment.NewLine, errors)) => Errors = errors;

    public SettingsException()
        : this([])
    {
    }

    public SettingsException(string message)
        : this([message])
    {
    }

    public SettingsException(string message, Exception inner)
        : base(message, inner) => Errors = [message];

    public IReadOnlyList<string> Errors { get; }
}
