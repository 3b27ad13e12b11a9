namespace PbxBridge.FreeSwitch;

/// <summary>`api` commands on the current ESL control connection (what legs need for hold, transfer, DTMF).</summary>
internal interface IFreeSwitchApi
{
    /// <summary>Throws <see cref="InvalidOperationException"/> while the control connection is down.</summary>
    Task<string> ApiAsync(string command, CancellationToken cancellationToken);
}
