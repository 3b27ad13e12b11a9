namespace PbxBridge.Calls.Pbx;

/// <summary>The PBX-specific checks `pbxbridge doctor` runs (reachability, credentials, version, dialplan).</summary>
public interface IPbxDoctor
{
    Task<IReadOnlyList<DoctorCheck>> CheckAsync(CancellationToken cancellationToken);
}
