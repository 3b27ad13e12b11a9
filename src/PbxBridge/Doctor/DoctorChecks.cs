using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using PbxBridge.Calls.Pbx;
using PbxBridge.Configuration;
using PbxBridge.Hosting;

namespace PbxBridge.Doctor;

/// <summary>The host-side checks of `pbxbridge doctor`, then the selected PBX adapter's own.</summary>
public static class DoctorChecks
{
    public static async Task<IReadOnlyList<DoctorCheck>> RunAsync(PbxBridgeSettings settings, CancellationToken cancellationToken)
    {
        var checks = new List<DoctorCheck>
        {
            new("configuration", DoctorOutcome.Passed, $"valid (Pbx:Kind={settings.Pbx.Kind}, site file {ConfigurationFactory.SiteFile}{(File.Exists(ConfigurationFactory.SiteFile) ? "" : " absent")})"),
            CheckOpus(),
            CheckStateDirectory(settings.State),
            CheckCertificate(settings),
            CheckUdpRange("browser-side UDP ports", settings.Media.BrowserBindAddress.Length > 0 ? settings.Media.BrowserBindAddress : settings.Media.PublicAddress, settings.Media.BrowserPortStart, settings.Media.BrowserPortEnd),
            CheckUdpRange("PBX-side UDP ports", settings.Media.PbxBindAddress, settings.Media.PbxPortStart, settings.Media.PbxPortEnd),
            FirewallCheck.Check(settings),
        };
        checks.Add(await Cluster.ClusterDoctor.CheckAsync(settings.Cluster));
        checks.AddRange(await PbxDoctorFactory.CheckAsync(settings, cancellationToken));
        return checks;
    }

    private static DoctorCheck CheckOpus()
    {
        try
        {
            Media.Opus.OpusLibrary.EnsureAvailable();
            return new("libopus", DoctorOutcome.Passed, "libopus.so.0 loads");
        }
        catch (Exception e) when (e is DllNotFoundException or InvalidOperationException)
        {
            return new("libopus", DoctorOutcome.Failed, e.Message);
        }
    }

    private static DoctorCheck CheckStateDirectory(StateOptions state)
    {
        try
        {
            Hosting.StateDirectory.Ensure(state.Directory);
            var probe = Path.Combine(state.Directory, ".doctor-probe");
            File.WriteAllText(probe, "ok");
            File.Delete(probe);
            return new("state directory", DoctorOutcome.Passed, $"{state.Directory} is writable");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new("state directory", DoctorOutcome.Failed, $"State:Directory {state.Directory} is not writable ({e.Message}): create it for the service user or point State:Directory elsewhere");
        }
    }

    private static DoctorCheck CheckCertificate(PbxBridgeSettings settings)
    {
        var path = settings.Http.CertificatePath.Length > 0 ? settings.Http.CertificatePath : Path.Combine(settings.State.Directory, TlsCertificateProvider.SelfSignedFileName);
        if (!File.Exists(path))
        {
            return new("TLS certificate", DoctorOutcome.Passed, "none yet: a self-signed one is generated at first start (set Http:CertificatePath for a real one)");
        }

        try
        {
            using var certificate = TlsCertificateProvider.Load(settings.Http, settings.State, _ => { });
            var left = certificate.NotAfter.ToUniversalTime() - DateTime.UtcNow;
            if (left < TimeSpan.Zero)
            {
                return new("TLS certificate", DoctorOutcome.Failed, $"{path} expired on {certificate.NotAfter:u}: browsers will refuse wss://; renew it");
            }

            var selfSigned = certificate.Subject == certificate.Issuer ? " (self-signed: browsers must accept it once, or set Http:CertificatePath)" : "";
            return left < TimeSpan.FromDays(14)
                ? new("TLS certificate", DoctorOutcome.Failed, $"{path} expires in {left.Days} days ({certificate.NotAfter:u}): renew it")
                : new("TLS certificate", DoctorOutcome.Passed, $"{certificate.Subject}, valid until {certificate.NotAfter:u}{selfSigned}");
        }
        catch (Exception e) when (e is System.Security.Cryptography.CryptographicException or IOException)
        {
            return new("TLS certificate", DoctorOutcome.Failed, $"{path} cannot be read: {e.Message}");
        }
    }

    private static DoctorCheck CheckUdpRange(string name, string address, int start, int end)
    {
        // Bind the first and last port: catches a wrong address and a range another service already holds.
        foreach (var port in new[] { start, end })
        {
            try
            {
                using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
                socket.Bind(new IPEndPoint(IPAddress.Parse(address), port));
            }
            catch (SocketException e)
            {
                return new(name, DoctorOutcome.Failed, $"cannot bind {address}:{port} ({e.SocketErrorCode}): another process holds it, or the address is not on this host");
            }
        }

        return new(name, DoctorOutcome.Passed, $"{address}:{start}-{end} bindable ({end - start + 1} ports, {(end - start + 1) / 1} calls at most)");
    }
}
