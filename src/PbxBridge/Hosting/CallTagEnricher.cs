using Serilog.Core;
using Serilog.Events;

namespace PbxBridge.Hosting;

/// <summary>
/// Renders the call scope (CallId, Agent, PbxId, set by the Calls room) as one "[call=... agent=... pbx=...] " tag in
/// text logs, so one grep over PbxBridge's log and the PBX's own log meets on the same ids. Empty outside calls.
/// </summary>
public sealed class CallTagEnricher : ILogEventEnricher
{
    public const string PropertyName = "CallTag";

    public void Enrich(LogEvent logEvent, ILogEventPropertyFactory propertyFactory)
    {
        if (!logEvent.Properties.TryGetValue("CallId", out var callId))
        {
            logEvent.AddPropertyIfAbsent(propertyFactory.CreateProperty(PropertyName, ""));
            return;
        }

        var tag = $"[call={Text(callId)} agent={Text(logEvent.Properties.GetValueOrDefault("Agent"))} pbx={Text(logEvent.Properties.GetValueOrDefault("PbxId"))}] ";
        logEvent.AddPropertyIfAbsent(propertyFactory.CreateProperty(PropertyName, tag));
    }

    private static string Text(LogEventPropertyValue? value) =>
        value is ScalarValue { Value: { } v } ? v.ToString() ?? "-" : "-";
}
