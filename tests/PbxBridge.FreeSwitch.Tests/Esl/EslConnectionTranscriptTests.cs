using Microsoft.Extensions.Logging.Abstractions;
using PbxBridge.FreeSwitch.Esl;
using PbxBridge.FreeSwitch.Simulator;

namespace PbxBridge.FreeSwitch.Tests.Esl;

public sealed class EslConnectionTranscriptTests
{
    private static readonly CancellationToken Timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10)).Token;

    [Fact]
    public async Task Wrong_password_is_named_as_such_and_the_auth_line_matches_the_recording()
    {
        var blocks = RecordedTranscript.Load("01").Section("A)");
        await using var server = new TranscriptReplayServer(blocks);

        var error = await Assert.ThrowsAsync<EslAuthenticationException>(
            () => EslConnection.ConnectAsync("127.0.0.1", server.Port, "wrong-password", NullLogger.Instance, Timeout));

        Assert.Equal(EslRejection.BadPassword, error.Rejection);
        Assert.Contains("EslPassword", error.Message, StringComparison.Ordinal);
        Assert.Equal(blocks.First(b => b.ToFreeSwitch).Text, server.Received.Single());
    }

    [Fact]
    public async Task Acl_rude_rejection_is_named_as_access_denied()
    {
        await using var server = new TranscriptReplayServer(RecordedTranscript.Load("01").Section("B)"));

        var error = await Assert.ThrowsAsync<EslAuthenticationException>(
            () => EslConnection.ConnectAsync("127.0.0.1", server.Port, "PbxBridge-Secret-ChangeMe", NullLogger.Instance, Timeout));

        Assert.Equal(EslRejection.AccessDenied, error.Rejection);
        Assert.Contains("apply-inbound-acl", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Api_and_commands_replay_byte_for_byte_and_exit_closes()
    {
        var blocks = RecordedTranscript.Load("01").Section("C)");
        await using var server = new TranscriptReplayServer(blocks);
        await using var connection = await EslConnection.ConnectAsync("127.0.0.1", server.Port, "PbxBridge-Secret-ChangeMe", NullLogger.Instance, Timeout);

        var status = await connection.ApiAsync("status", Timeout);
        var channels = await connection.ApiAsync("show channels as json", Timeout);
        var unknownApi = await connection.ApiAsync("no_such_api foo", Timeout);
        var unknownCommand = await connection.SendCommandAsync("no_such_command", Timeout);
        await connection.ExitAsync(Timeout);

        Assert.Contains("is ready", status, StringComparison.Ordinal);
        Assert.Equal("{\"row_count\": 0}\n", channels);
        Assert.Equal("-ERR no_such_api Command not found!\n", unknownApi);
        Assert.False(unknownCommand.IsOk);
        Assert.Equal("command not found", unknownCommand.Detail);
        Assert.False(connection.IsConnected);
        Assert.Equal(blocks.Where(b => b.ToFreeSwitch).Select(b => b.Text), server.Received);
    }

    [Fact]
    public async Task Bgapi_result_is_correlated_by_our_own_job_uuid()
    {
        // Transcript 03: subscription, filters, bgapi originate, then the events up to BACKGROUND_JOB. FreeSWITCH honours
        // a client-supplied Job-UUID (mod_event_socket.c:2362), so the replay substitutes ours for the recorded one.
        var blocks = RecordedTranscript.Load("03").Blocks.Where(b => !b.Direction.StartsWith("SIP", StringComparison.Ordinal)).ToList();
        var lastUntilJob = blocks.FindIndex(b => b.Text.Contains("Event-Name: BACKGROUND_JOB", StringComparison.Ordinal));
        const string recordedJob = "60e967e2-4e47-45cf-bad1-3b578beafa2e";
        string? ourJob = null;
        await using var server = new TranscriptReplayServer(blocks.Take(lastUntilJob + 1).ToList(), (text, lastCommand) =>
        {
            if (lastCommand.StartsWith("bgapi ", StringComparison.Ordinal))
            {
                ourJob ??= lastCommand.Split('\n')[1]["Job-UUID: ".Length..];
            }

            return ourJob is null ? text : text.Replace(recordedJob, ourJob, StringComparison.Ordinal);
        });
        await using var connection = await EslConnection.ConnectAsync("127.0.0.1", server.Port, "PbxBridge-Secret-ChangeMe", NullLogger.Instance, Timeout);

        var subscribe = blocks.First(b => b.ToFreeSwitch && b.Text.StartsWith("event plain", StringComparison.Ordinal)).Text;
        await connection.SendCommandAsync(subscribe.TrimEnd('\n'), Timeout);
        await connection.AddFilterAsync("Unique-ID", "7eab84b9-c693-4382-854d-6e44e3582144", Timeout);
        await connection.AddFilterAsync("Event-Name", "BACKGROUND_JOB", Timeout);
        await connection.AddFilterAsync("Event-Name", "CHANNEL_BRIDGE", Timeout);
        await connection.AddFilterAsync("Event-Name", "DTMF", Timeout);
        var originate = blocks.First(b => b.ToFreeSwitch && b.Text.StartsWith("bgapi ", StringComparison.Ordinal)).Text;

        var result = await connection.BgApiAsync(originate["bgapi ".Length..].TrimEnd('\n'), Timeout);

        Assert.Equal("+OK 7eab84b9-c693-4382-854d-6e44e3582144\n", result);
        Assert.NotNull(ourJob);
        Assert.NotEqual(recordedJob, ourJob);
        Assert.Equal("filter Event-Name BACKGROUND_JOB\n\n", server.Received[3]);
        var names = new List<string>();
        while (connection.Events.TryRead(out var e))
        {
            names.Add(e.Name);
        }

        Assert.Equal(["CHANNEL_CREATE", "CHANNEL_PROGRESS", "CHANNEL_ANSWER", "BACKGROUND_JOB"], names);
    }

    [Fact]
    public async Task Commands_with_line_breaks_are_refused_before_reaching_the_wire()
    {
        await using var server = new TranscriptReplayServer(RecordedTranscript.Load("01").Section("C)"));
        await using var connection = await EslConnection.ConnectAsync("127.0.0.1", server.Port, "PbxBridge-Secret-ChangeMe", NullLogger.Instance, Timeout);

        await Assert.ThrowsAsync<ArgumentException>(() => connection.ApiAsync("status\n\nexit", Timeout));
    }
}
