using System.Globalization;
using PbxBridge.Browser.Simulator.Measurement;

namespace PbxBridge.Browser.Simulator.WebRtc;

/// <summary>
/// Where one leg's setup time went, in milliseconds, phase by phase: INVITE sent to the 200 OK (digest challenge
/// round trip and the PBX answering), to the first ICE success response, to DTLS done on our side, to our first
/// SRTP frame out (the pacer slot), to the first decrypted frame back (PbxBridge's path to the PBX and back).
/// <see cref="DtlsClientCpuMs"/> is the CPU our own DTLS client thread burnt: the load generator's share of the
/// DTLS phase, on the same two cores as PbxBridge.
/// </summary>
internal readonly record struct SetupPhases(
    double SignalingMs, double IceMs, double DtlsMs, double FirstSendMs, double MediaBackMs, double DtlsClientCpuMs)
{
    /// <summary>One line of p50/p99 per phase, for the progress output.</summary>
    public static string Summary(IReadOnlyList<SetupPhases> legs)
    {
        string Of(Func<SetupPhases, double> phase)
        {
            var samples = new List<double>(legs.Count);
            foreach (var leg in legs)
            {
                samples.Add(phase(leg));
            }

            return string.Create(CultureInfo.InvariantCulture, $"{Percentile.Of(samples, 50):F0}/{Percentile.Of(samples, 99):F0}");
        }

        return $"setup phases p50/p99 ms: sip {Of(p => p.SignalingMs)}, ice {Of(p => p.IceMs)}, dtls {Of(p => p.DtlsMs)} " +
            $"(client cpu {Of(p => p.DtlsClientCpuMs)}), first send {Of(p => p.FirstSendMs)}, media back {Of(p => p.MediaBackMs)}";
    }
}
