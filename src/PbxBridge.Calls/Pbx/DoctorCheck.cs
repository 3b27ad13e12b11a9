namespace PbxBridge.Calls.Pbx;

/// <summary>One line of `pbxbridge doctor`: what was checked, whether it passed, and in plain words why not.</summary>
/// <param name="Name">Short name of the check ("ARI reachable", "ESL authenticated").</param>
/// <param name="Outcome">Passed, failed, or could not be checked.</param>
/// <param name="Detail">What was found, or what is wrong and how to fix it. Never contains a password.</param>
/// <param name="NeedsRunningService">The check can pass only while `pbxbridge run` is up (the ARI application exists
/// only while PbxBridge's events WebSocket is connected): run before the service starts, its failure is not one.</param>
public sealed record DoctorCheck(string Name, DoctorOutcome Outcome, string Detail, bool NeedsRunningService = false);

public enum DoctorOutcome
{
    Passed,
    Failed,
    NotChecked,
}
