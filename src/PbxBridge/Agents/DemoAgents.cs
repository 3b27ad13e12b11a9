using System.Security.Cryptography;
using PbxBridge.Configuration;
using PbxBridge.Hosting;

namespace PbxBridge.Agents;

/// <summary>Demo agents 1001 and 1002: one password, from Demo:AgentPassword or generated once and kept in the state directory.</summary>
public static class DemoAgents
{
    public static readonly string[] Ids = ["1001", "1002"];

    public const string PasswordFileName = "demo-agent-password";

    public static string Password(DemoOptions demo, StateOptions state)
    {
        if (demo.AgentPassword.Length > 0)
        {
            return demo.AgentPassword;
        }

        var path = Path.Combine(state.Directory, PasswordFileName);
        if (File.Exists(path))
        {
            var stored = File.ReadAllText(path).Trim();
            if (stored.Length > 0)
            {
                return stored;
            }
        }

        StateDirectory.Ensure(state.Directory);
        var generated = Convert.ToBase64String(RandomNumberGenerator.GetBytes(9)).Replace('+', 'x').Replace('/', 'y');
        TlsCertificateProvider.WritePrivateFile(path, System.Text.Encoding.UTF8.GetBytes(generated + "\n"));
        return generated;
    }
}
