using System.Security.Cryptography;
using PbxBridge.Hosting;

namespace PbxBridge.Http;

/// <summary>
/// The admin token for this host's CLI: generated at every start and written to <c>State:Directory/admin-token</c>
/// (mode 0600, like the certificate's key), where `pbxbridge calls|agents|hangup` read it. Loopback alone proves
/// nothing once a proxy runs on the host; reading this file proves the caller is the service user or root here.
/// </summary>
public sealed class LocalAdminToken
{
    public const string FileName = "admin-token";

    private LocalAdminToken(string value) => Value = value;

    public string Value { get; }

    /// <summary>A fresh token, written over the previous one (a restart revokes what a leaked copy could do).</summary>
    public static LocalAdminToken Create(string stateDirectory)
    {
        var value = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var path = Path.Combine(stateDirectory, FileName);
        try
        {
            StateDirectory.Ensure(stateDirectory);
            File.Delete(path);
            TlsCertificateProvider.WritePrivateFile(path, System.Text.Encoding.ASCII.GetBytes(value + "\n"));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A read-only state directory must not stop the service (the logs take the same view): the CLI then needs
            // Http:AdminToken, and says so when it gets 403.
            Console.Error.WriteLine($"pbxbridge: cannot write the CLI's admin token to {path} ({e.Message}): set Http:AdminToken for the CLI");
        }

        return new LocalAdminToken(value);
    }

    /// <summary>The token a running service wrote into <paramref name="stateDirectory"/>, or null when there is none
    /// or this user may not read it.</summary>
    public static string? Read(string stateDirectory)
    {
        try
        {
            var text = File.ReadAllText(Path.Combine(stateDirectory, FileName)).Trim();
            return text.Length > 0 ? text : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
