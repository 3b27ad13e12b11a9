using System.CommandLine;

namespace PbxBridge.Cli;

/// <summary>`pbxbridge hangup ID`: ends a call on both sides (BYE to the browser, hangup on the PBX).</summary>
public static class HangupCommand
{
    public static Command Create()
    {
        var id = new Argument<string>("id") { Description = "Call id from `pbxbridge calls`." };
        var command = AdminCommand.Create("hangup", "Hang up a call on both sides.");
        command.Arguments.Add(id);
        command.SetAction((parse, ct) => AdminCommand.CallAsync(parse, HttpMethod.Delete, $"api/calls/{Uri.EscapeDataString(parse.GetValue(id)!)}", _ => $"call {parse.GetValue(id)} hung up", ct));
        return command;
    }
}
