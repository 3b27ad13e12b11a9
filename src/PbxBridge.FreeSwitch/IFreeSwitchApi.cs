namespace PbxBridge.FreeSwitch;

/// <summary>`api` commands on the current ESL control connection (what legs need for hold, transfer, DTMF).</summary>
internal interface IFreeSwitchApi
{
    /// <summary>Throws <see cref="InvalidOperationException"/> while the control connection is down.</summary>
    Task<string> ApiAsync(string command, CancellationToken cancellationToken);

    /// <summary>`bgapi`: for commands that take as long as a call rings (originate); the BACKGROUND_JOB body.</summary>
    Task<string> BgApiAsync(string command, CancellationToken cancellationToken);
}
