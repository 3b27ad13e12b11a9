using Microsoft.Extensions.Configuration;
using Serilog;
using Serilog.Events;
using Serilog.Formatting.Compact;

namespace PbxBridge.Hosting;

/// <summary>
/// Serilog: console plus a daily rolling file in the state directory. A "Serilog" configuration section replaces
/// these defaults entirely (sinks, levels, enrichers); Logging:Json=true switches both sinks to compact JSON.
/// </summary>
public static class LoggingSetup
{
    public static Serilog.Core.Logger Create(IConfiguration configuration, string stateDirectory, string nodeId)
    {
        var config = new LoggerConfiguration()
            .Enrich.FromLogContext()
            .Enrich.With(new ControlCharacterEnricher())
            .Enrich.With(new CallTagEnricher())
            .Enrich.WithProperty("Node", nodeId);
        if (configuration.GetSection("Serilog").Exists())
        {
            return config.ReadFrom.Configuration(configuration).CreateLogger();
        }

        var json = configuration.GetValue("Logging:Json", false);
        var logDirectory = configuration["Logging:Directory"] is { Length: > 0 } dir ? dir : Path.Combine(stateDirectory, "logs");
        config.MinimumLevel.Information()
            .MinimumLevel.Override("Microsoft.AspNetCore", LogEventLevel.Warning)
            .MinimumLevel.Override("Microsoft.Hosting", LogEventLevel.Information);
        const string template = "{Timestamp:yyyy-MM-dd HH:mm:ss.fff} {Level:u3} {SourceContext:l}: {CallTag}{Message:lj}{NewLine}{Exception}";
        if (json)
        {
            config.WriteTo.Console(new CompactJsonFormatter());
        }
        else
        {
            config.WriteTo.Console(outputTemplate: template, formatProvider: System.Globalization.CultureInfo.InvariantCulture);
        }

        try
        {
            // The logs name agents, their addresses and call ids: readable by the service user alone, like the state.
            StateDirectory.Ensure(stateDirectory);
            StateDirectory.Ensure(logDirectory);
            var path = Path.Combine(logDirectory, "pbxbridge-.log");
            var privateFiles = new PrivateLogFiles();
            if (json)
            {
                config.WriteTo.File(new CompactJsonFormatter(), path, rollingInterval: RollingInterval.Day, retainedFileCountLimit: 14, hooks: privateFiles);
            }
            else
            {
                config.WriteTo.File(path, outputTemplate: template, rollingInterval: RollingInterval.Day, retainedFileCountLimit: 14, formatProvider: System.Globalization.CultureInfo.InvariantCulture, hooks: privateFiles);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A read-only state directory must not stop the service: the console (journald) still has everything.
            Console.Error.WriteLine($"pbxbridge: not logging to files: {logDirectory} is not writable ({e.Message})");
        }

        return config.CreateLogger();
    }
}
