using System.Text.Json;
using System.Text.RegularExpressions;

namespace PbxBridge.Configuration;

/// <summary>
/// One line for a configuration file that cannot be read: which file, where in it, what is wrong. The .NET
/// configuration providers say it in three nested exceptions (file, "Could not parse the JSON file.", then the
/// reader's own line and byte position, 0-based), which an admin would otherwise meet as a stack trace.
/// </summary>
public static partial class ConfigurationFileError
{
    public static string Describe(InvalidDataException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var file = QuotedPath().Match(exception.Message) is { Success: true } m ? m.Groups[1].Value : "a configuration file";
        for (Exception? inner = exception.InnerException; inner is not null; inner = inner.InnerException)
        {
            if (inner is JsonException json)
            {
                var where = json.LineNumber is { } line
                    ? $" at line {line + 1}, position {(json.BytePositionInLine ?? 0) + 1}"
                    : "";
                return $"{file} is not valid JSON{where}: {ReaderMessage(json.Message)}";
            }
        }

        // Valid JSON the configuration cannot take: a duplicate key, an array or a value at the top.
        return $"{file} cannot be used: {exception.InnerException?.Message ?? exception.Message}";
    }

    /// <summary>System.Text.Json appends " Path: $.x | LineNumber: 2 | BytePositionInLine: 11." (0-based): said better above.</summary>
    private static string ReaderMessage(string message)
    {
        var cut = message.IndexOf(" Path: ", StringComparison.Ordinal);
        if (cut < 0)
        {
            cut = message.IndexOf(" LineNumber: ", StringComparison.Ordinal);
        }

        return (cut < 0 ? message : message[..cut]).Trim();
    }

    [GeneratedRegex("'([^']+)'")]
    private static partial Regex QuotedPath();
}
