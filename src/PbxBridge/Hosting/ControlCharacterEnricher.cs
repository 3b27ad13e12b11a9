using System.Globalization;
using System.Text;
using Serilog.Core;
using Serilog.Events;

namespace PbxBridge.Hosting;

/// <summary>
/// Makes every logged value one line: control characters in property values (a Request-URI with %0d%0a, a caller
/// name from the PBX, a SIP header) are written as \r, \n, \t or \u00XX. Without it an INVITE to
/// "sip:6%0d%0a2026-12-07 ... WRN FORGED LINE@..." wrote lines that look like our own, in the text log and in
/// anything reading it line by line (journald, a log shipper, fail2ban). Runs after the scope properties are added and
/// before the call tag is built from them, for every sink, whatever the "Serilog" section configures.
/// Only the message template (our constant text) and the exception's stack trace keep their own line breaks.
/// </summary>
public sealed class ControlCharacterEnricher : ILogEventEnricher
{
    public void Enrich(LogEvent logEvent, ILogEventPropertyFactory propertyFactory)
    {
        List<LogEventProperty>? changed = null;
        foreach (var (name, value) in logEvent.Properties)
        {
            if (Escape(value) is { } escaped)
            {
                (changed ??= []).Add(new LogEventProperty(name, escaped));
            }
        }

        if (changed is null)
        {
            return;
        }

        foreach (var property in changed)
        {
            logEvent.AddOrUpdateProperty(property);
        }
    }

    /// <summary>The value with its text escaped, or null when nothing in it needs escaping (the common case: no copy).</summary>
    private static LogEventPropertyValue? Escape(LogEventPropertyValue value)
    {
        switch (value)
        {
            case ScalarValue { Value: string text }:
                return NeedsEscaping(text) ? new ScalarValue(EscapeText(text)) : null;
            case ScalarValue { Value: null or bool or char or byte or sbyte or short or ushort or int or uint or long or ulong or float or double or decimal or DateTime or DateTimeOffset or TimeSpan or Guid }:
                return value is ScalarValue { Value: char c } && char.IsControl(c) ? new ScalarValue(EscapeText(c.ToString())) : null;
            case ScalarValue { Value: { } other }:
                // An object rendered with ToString (an IPEndPoint, a SipUri, a message): escaped as the text it renders to.
                var rendered = Convert.ToString(other, CultureInfo.InvariantCulture) ?? string.Empty;
                return NeedsEscaping(rendered) ? new ScalarValue(EscapeText(rendered)) : null;
            case SequenceValue sequence:
                var elements = sequence.Elements.Select(e => Escape(e)).ToList();
                return elements.Any(e => e is not null)
                    ? new SequenceValue(sequence.Elements.Select((e, i) => elements[i] ?? e))
                    : null;
            case StructureValue structure:
                var properties = structure.Properties.Select(p => Escape(p.Value)).ToList();
                return properties.Any(p => p is not null)
                    ? new StructureValue(structure.Properties.Select((p, i) => properties[i] is { } e ? new LogEventProperty(p.Name, e) : p), structure.TypeTag)
                    : null;
            case DictionaryValue dictionary:
                var entries = dictionary.Elements.Select(kv => (Key: Escape(kv.Key) as ScalarValue, Value: Escape(kv.Value))).ToList();
                return entries.Any(e => e.Key is not null || e.Value is not null)
                    ? new DictionaryValue(dictionary.Elements.Select((kv, i) =>
                        new KeyValuePair<ScalarValue, LogEventPropertyValue>(entries[i].Key ?? kv.Key, entries[i].Value ?? kv.Value)))
                    : null;
            default:
                return null;
        }
    }

    private static bool NeedsEscaping(string text)
    {
        foreach (var c in text)
        {
            if (char.IsControl(c) || c is '\u2028' or '\u2029')
            {
                return true;
            }
        }

        return false;
    }

    internal static string EscapeText(string text)
    {
        var sb = new StringBuilder(text.Length + 8);
        foreach (var c in text)
        {
            switch (c)
            {
                case '\r':
                    sb.Append("\\r");
                    break;
                case '\n':
                    sb.Append("\\n");
                    break;
                case '\t':
                    sb.Append("\\t");
                    break;
                default:
                    if (char.IsControl(c) || c is '\u2028' or '\u2029')
                    {
                        sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        sb.Append(c);
                    }

                    break;
            }
        }

        return sb.ToString();
    }
}
