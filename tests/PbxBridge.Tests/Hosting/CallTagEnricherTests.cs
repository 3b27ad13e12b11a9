using Microsoft.Extensions.Logging;
using PbxBridge.Hosting;
using Serilog;
using Serilog.Core;
using Serilog.Events;
using Serilog.Extensions.Logging;
using Serilog.Formatting.Display;

namespace PbxBridge.Tests.Hosting;

public sealed class CallTagEnricherTests
{
    [Fact]
    public void A_line_logged_inside_a_call_scope_carries_call_agent_and_pbx_ids()
    {
        var output = new StringWriter();
        using var serilog = new LoggerConfiguration()
            .Enrich.FromLogContext()
            .Enrich.With(new CallTagEnricher())
            .WriteTo.Sink(new TextSink(output))
            .CreateLogger();
        using var factory = new SerilogLoggerFactory(serilog);
        var logger = factory.CreateLogger("test");

        using (logger.BeginScope(new Dictionary<string, object?> { ["CallId"] = "c0ffee", ["Agent"] = "1001", ["PbxId"] = "1763.42" }))
        {
            logger.LogInformation("PBX answered {Destination}", "600");
        }

        logger.LogInformation("outside");
        var lines = output.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("[call=c0ffee agent=1001 pbx=1763.42] PBX answered 600", lines[0]);
        Assert.Equal("outside", lines[1]);
    }

    private sealed class TextSink(StringWriter output) : ILogEventSink
    {
        private readonly MessageTemplateTextFormatter formatter = new("{CallTag}{Message:lj}{NewLine}", System.Globalization.CultureInfo.InvariantCulture);

        public void Emit(LogEvent logEvent) => formatter.Format(logEvent, output);
    }
}
