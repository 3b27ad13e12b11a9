using System.Diagnostics;
using System.Globalization;

namespace PbxBridge.RealPbx.Harness;

/// <summary>Sound files in the PBXs' own format (8 kHz, 16-bit, mono WAV), made with sox as an admin would.</summary>
public static class Sox
{
    public static void Tone(string path, double hz, double seconds)
    {
        var startInfo = new ProcessStartInfo("sox") { RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { "-n", "-r", "8000", "-c", "1", "-b", "16", path, "synth", seconds.ToString(CultureInfo.InvariantCulture), "sine", hz.ToString(CultureInfo.InvariantCulture), "vol", "0.5" })
        {
            startInfo.ArgumentList.Add(arg);
        }

        using var process = Process.Start(startInfo)!;
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"sox failed for {path}: {error}");
        }
    }
}
