namespace PbxBridge.FreeSwitch.Simulator;

/// <summary>A call the simulated PBX placed to a browser agent (see <see cref="FreeSwitchSimulator.CallAgentAsync"/>).</summary>
public sealed class SimulatedAgentCall
{
    private readonly FreeSwitchSimulator _simulator;
    private readonly SimulatedSipCall _call;

    internal SimulatedAgentCall(FreeSwitchSimulator simulator, SimulatedSipCall call)
    {
        _simulator = simulator;
        _call = call;
    }

    public SimulatedChannel Channel => _call.Channel;

    /// <summary>PbxBridge's final response status: 200 when the agent answered, 480 when not registered, ...</summary>
    public Task<int> FinalStatus => _call.Final.Task;

    /// <summary>Completes with the Hangup-Cause once the call is over (either side).</summary>
    public Task<string> Ended => _call.Channel.HungUp;

    /// <summary>The PBX side hangs up (BYE when answered, CANCEL while ringing).</summary>
    public Task HangupAsync(string cause = "NORMAL_CLEARING") => _simulator.HangupChannelAsync(_call.Channel, cause);
}
