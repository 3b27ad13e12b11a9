using Microsoft.Extensions.Configuration;
using PbxBridge.Hosting;
using PbxBridge.Tests.Support;

namespace PbxBridge.Tests.Hosting;

/// <summary>
/// Issue 17 item 5: a Request-URI carrying %0d%0a, sent over the real WSS listener, is logged as one line by the
/// service's own logging setup (the text file sink, as operators and log shippers read it).
/// </summary>
public sealed class ForgedLogLineTests
{
    private static readonly string Offer = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Sdp", "chromium156-offer.sdp"))
        .ReplaceLineEndings("\r\n");

    [Fact]
    public async Task Request_URI_with_encoded_CR_LF_makes_one_log_line_not_a_forged_one()
    {
        var logs = Directory.CreateTempSubdirectory("pbxbridge-log-").FullName;
        try
        {
            var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Logging:Directory"] = logs }).Build();
            using (var logger = LoggingSetup.Create(configuration, logs, "log-test"))
            {
                await using var bridge = await InProcessPbxBridge.StartAsync(logger);
                await using var agent = await WssSipClient.ConnectAsync(bridge.SipUri, "1001");
                Assert.Equal(200, (await agent.RegisterAsync(InProcessPbxBridge.DemoPassword)).StatusCode);

                var response = await agent.InviteAsync("6%0d%0a2026-12-07%2010%3a00%3a00.000%20WRN%20FORGED%20LINE%0d%0a", Offer);
                Assert.True(response.StatusCode >= 400, response.StatusCode.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }

            var lines = File.ReadAllLines(Assert.Single(Directory.GetFiles(logs, "pbxbridge-*.log")));
            var mentioning = lines.Where(l => l.Contains("FORGED", StringComparison.Ordinal)).ToList();
            Assert.True(mentioning.Count > 0, string.Join("\n", lines));
            Assert.All(mentioning, l => Assert.Contains("6\\r\\n2026-12-07 10:00:00.000 WRN FORGED LINE\\r\\n", l, StringComparison.Ordinal));
            Assert.DoesNotContain(lines, l => l.StartsWith("2026-12-07 10:00:00.000", StringComparison.Ordinal) || l.StartsWith("WRN", StringComparison.Ordinal));
        }
        finally
        {
            Directory.Delete(logs, recursive: true);
        }
    }
}
