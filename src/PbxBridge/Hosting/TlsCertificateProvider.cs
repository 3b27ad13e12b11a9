using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using PbxBridge.Configuration;

namespace PbxBridge.Hosting;

/// <summary>
/// The HTTPS/WSS certificate: the configured PFX or PEM, or a self-signed one generated once and kept in the
/// state directory so browsers that accepted it keep accepting it across restarts.
/// </summary>
public static class TlsCertificateProvider
{
    public const string SelfSignedFileName = "https-selfsigned.pfx";

    public static X509Certificate2 Load(HttpOptions http, StateOptions state, Action<string> log)
    {
        if (http.CertificatePath.Length > 0)
        {
            return LoadConfigured(http);
        }

        var path = Path.Combine(state.Directory, SelfSignedFileName);
        if (File.Exists(path))
        {
            var existing = X509CertificateLoader.LoadPkcs12FromFile(path, password: null, X509KeyStorageFlags.Exportable);
            if (existing.NotAfter > DateTime.UtcNow.AddDays(7))
            {
                return existing;
            }

            log($"self-signed certificate {path} expires {existing.NotAfter:u}: generating a new one");
            existing.Dispose();
        }

        StateDirectory.Ensure(state.Directory);
        using var generated = GenerateSelfSigned(http.ListenAddress);
        var pfx = generated.Export(X509ContentType.Pkcs12);
        WritePrivateFile(path, pfx);
        log($"generated a self-signed HTTPS certificate in {path} (set Http:CertificatePath for a real one)");
        return X509CertificateLoader.LoadPkcs12(pfx, password: null, X509KeyStorageFlags.Exportable);
    }

    private static X509Certificate2 LoadConfigured(HttpOptions http)
    {
        var path = http.CertificatePath;
        if (path.EndsWith(".pem", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".crt", StringComparison.OrdinalIgnoreCase))
        {
            var keyPath = http.CertificateKeyPath.Length > 0 ? http.CertificateKeyPath : path;
            using var pem = X509Certificate2.CreateFromPemFile(path, keyPath);
            // Kestrel on Linux wants an exportable PKCS#12-backed key, not an ephemeral PEM one.
            return X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), password: null);
        }

        return X509CertificateLoader.LoadPkcs12FromFile(path, http.CertificatePassword.Length > 0 ? http.CertificatePassword : null);
    }

    private static X509Certificate2 GenerateSelfSigned(string listenAddress)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=PbxBridge self-signed", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName("localhost");
        san.AddDnsName(Environment.MachineName);
        san.AddIpAddress(System.Net.IPAddress.Loopback);
        if (System.Net.IPAddress.TryParse(listenAddress, out var address) && !address.Equals(System.Net.IPAddress.Any))
        {
            san.AddIpAddress(address);
        }

        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        var now = DateTimeOffset.UtcNow;
        return request.CreateSelfSigned(now.AddDays(-1), now.AddYears(2));
    }

    internal static void WritePrivateFile(string path, byte[] content)
    {
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            // Private keys and passwords: readable by the service user only, from the moment the file exists.
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using var stream = new FileStream(path, options);
        stream.Write(content);
    }
}
