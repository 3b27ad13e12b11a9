using System.Net.Http.Headers;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using PbxBridge.Configuration;
using PbxBridge.Hosting;
using PbxBridge.Http;

namespace PbxBridge.Cli;

/// <summary>
/// How the CLI talks to a running PbxBridge: its admin API over HTTPS on the configured port. The self-signed
/// certificate in the state directory is trusted by pinning it, nothing else is trusted beyond the system store.
/// </summary>
public sealed class AdminClient : IDisposable
{
    private readonly HttpClient http;

    public AdminClient(PbxBridgeSettings settings, string? url)
    {
        var pinned = LoadPinned(settings);
        var handler = new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
                    errors == SslPolicyErrors.None || (pinned is not null && certificate is not null && certificate.GetCertHashString() == pinned),
            },
            ConnectTimeout = TimeSpan.FromSeconds(5),
        };
        http = new HttpClient(handler) { BaseAddress = new Uri(url ?? DefaultUrl(settings)), Timeout = TimeSpan.FromSeconds(15) };
        // The token the running service wrote for this host's CLI, else the configured one: loopback alone is not
        // trusted unless Http:TrustLoopback says so. The local token never goes to a --url elsewhere.
        var local = url is null || http.BaseAddress.IsLoopback ? LocalAdminToken.Read(settings.State.Directory) : null;
        var token = local ?? (settings.Http.AdminToken.Length > 0 ? settings.Http.AdminToken : null);
        if (token is not null)
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
    }

    public Uri BaseAddress => http.BaseAddress!;

    public static string DefaultUrl(PbxBridgeSettings settings)
    {
        var host = settings.Http.ListenAddress switch
        {
            "0.0.0.0" => "127.0.0.1",
            "::" => "[::1]",
            var a when a.Contains(':', StringComparison.Ordinal) => $"[{a}]",
            var a => a,
        };
        return $"https://{host}:{settings.Http.Port}/";
    }

    public async Task<(int Status, string Body)> SendAsync(HttpMethod method, string path, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, path);
        using var response = await http.SendAsync(request, cancellationToken);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync(cancellationToken));
    }

    private static string? LoadPinned(PbxBridgeSettings settings)
    {
        var path = settings.Http.CertificatePath.Length > 0 ? null : Path.Combine(settings.State.Directory, TlsCertificateProvider.SelfSignedFileName);
        if (path is null || !File.Exists(path))
        {
            return null;
        }

        try
        {
            using var certificate = X509CertificateLoader.LoadPkcs12FromFile(path, password: null);
            return certificate.GetCertHashString();
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return null;
        }
    }

    public void Dispose() => http.Dispose();
}
