using System.Net;
using PbxBridge.Tests.Support;

namespace PbxBridge.Tests.Security;

/// <summary>Issue 17 item 8: /phone carries a content security policy that forbids framing and inline code, nosniff
/// and a referrer policy, and its source map is not served even when it lies in the web root.</summary>
public sealed class PhonePageHeadersTests
{
    [Fact]
    public async Task The_phone_page_has_security_headers_and_its_source_map_is_not_served()
    {
        // The web root the service serves beside its binary; the page may not be built here, so put one in.
        var phone = Path.Combine(AppContext.BaseDirectory, "wwwroot", "phone");
        Directory.CreateDirectory(phone);
        var map = Path.Combine(phone, "phone.js.map");
        var index = Path.Combine(phone, "index.html");
        var created = new List<string>();
        foreach (var (path, text) in new[] { (map, "{\"version\":3,\"sources\":[\"src/main.js\"]}"), (index, "<!doctype html><title>phone</title>") })
        {
            if (!File.Exists(path))
            {
                await File.WriteAllTextAsync(path, text);
                created.Add(path);
            }
        }

        try
        {
            await using var bridge = await InProcessPbxBridge.StartAsync();
            using var http = bridge.NewHttpClient();

            using var page = await http.GetAsync(new Uri("phone/", UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            var csp = string.Join(" ", page.Headers.GetValues("Content-Security-Policy"));
            Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
            Assert.Contains("script-src 'self'", csp, StringComparison.Ordinal);
            Assert.DoesNotContain("unsafe-inline", csp, StringComparison.Ordinal);
            Assert.Equal(["DENY"], page.Headers.GetValues("X-Frame-Options"));
            Assert.Equal(["nosniff"], page.Headers.GetValues("X-Content-Type-Options"));
            Assert.Equal(["no-referrer"], page.Headers.GetValues("Referrer-Policy"));

            using var sourceMap = await http.GetAsync(new Uri("phone/phone.js.map", UriKind.Relative));
            Assert.Equal(HttpStatusCode.NotFound, sourceMap.StatusCode);
        }
        finally
        {
            created.ForEach(File.Delete);
        }
    }
}
