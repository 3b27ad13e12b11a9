using System.Diagnostics;
using PbxBridge.Calls.Pbx;
using PbxBridge.Configuration;

namespace PbxBridge.Doctor;

/// <summary>
/// Is the local firewall letting browsers in? Reads `ufw status` or `nft list ruleset` when present and looks for the
/// HTTPS port and the browser-side UDP range. Absent firewall tools = not checked, not failed.
/// </summary>
public static class FirewallCheck
{
    public static DoctorCheck Check(PbxBridgeSettings settings)
    {
        var ufw = Run("ufw", "status");
        if (ufw is not null && ufw.Contains("Status: active", StringComparison.Ordinal))
        {
            var https = ufw.Contains($"{settings.Http.Port}/tcp", StringComparison.Ordinal) || ufw.Contains($"{settings.Http.Port} ", StringComparison.Ordinal);
            var udp = ufw.Contains($"{settings.Media.BrowserPortStart}:{settings.Media.BrowserPortEnd}/udp", StringComparison.Ordinal);
            return https && udp
                ? new("firewall", DoctorOutcome.Passed, $"ufw allows {settings.Http.Port}/tcp and {settings.Media.BrowserPortStart}:{settings.Media.BrowserPortEnd}/udp")
                : new("firewall", DoctorOutcome.Failed, $"ufw is active but does not allow{(https ? "" : $" {settings.Http.Port}/tcp")}{(udp ? "" : $" {settings.Media.BrowserPortStart}:{settings.Media.BrowserPortEnd}/udp")}: `ufw allow` them (the Ansible role does)");
        }

        var nft = Run("nft", "list ruleset");
        if (nft is not null && nft.Contains("hook input", StringComparison.Ordinal) && nft.Contains("policy drop", StringComparison.Ordinal))
        {
            var udp = nft.Contains($"{settings.Media.BrowserPortStart}-{settings.Media.BrowserPortEnd}", StringComparison.Ordinal);
            return udp
                ? new("firewall", DoctorOutcome.Passed, $"nftables input chain mentions {settings.Media.BrowserPortStart}-{settings.Media.BrowserPortEnd}")
                : new("firewall", DoctorOutcome.Failed, $"nftables drops input by default and no rule names udp {settings.Media.BrowserPortStart}-{settings.Media.BrowserPortEnd}: open it for browsers' media");
        }

        return new("firewall", DoctorOutcome.NotChecked, "no active ufw or default-drop nftables input chain found");
    }

    private static string? Run(string file, string arguments)
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo(file, arguments) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false });
            if (process is null)
            {
                return null;
            }

            var output = process.StandardOutput.ReadToEnd();
            return process.WaitForExit(5000) && process.ExitCode == 0 ? output : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }
}
