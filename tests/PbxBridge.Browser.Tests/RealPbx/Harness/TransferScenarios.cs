namespace PbxBridge.Browser.Tests.RealPbx.Harness;

/// <summary>
/// Transfers (RFC 3515 REFER, RFC 3891 Replaces) from JsSIP and SIP.js, the same on both PBXs: a queue caller answered
/// by agent 1001 and sent on to agent 1002, a transfer to a number that does not exist, an attended transfer in which
/// the caller and 1002 end up talking. Each ends with nothing left in the PBX or PbxBridge.
/// </summary>
public static class TransferScenarios
{
    /// <summary>What a scenario needs of the PBX's queue: start a caller (playing <see cref="CallerHz"/>) into the site
    /// queue of agents 1001 and 1002 once 1001 is free (1002 signs in only after 1001 answered, so the queue rings 1001
    /// alone), clean up afterwards, and a number the PBX refuses at once as unallocated.</summary>
    public sealed record QueueCaller(Func<Task> StartAsync, double CallerHz, Func<Task> CleanUpAsync, string MissingNumber)
    {
        /// <summary>Starts a caller into the same queue that plays <see cref="CallerHz"/> and records what it hears;
        /// returns the recording's path (complete once the caller's call ended).</summary>
        public required Func<Task<string>> StartRecordingAsync { get; init; }
    }

    /// <summary>
    /// 1001 answers the queue caller, hears its tone, and blind-transfers it to 1002 (REFER to 1002): the NOTIFYs say
    /// 100 then 200, 1001's call ends, 1002 rings, answers and hears the caller's tone; 1002 hangs up and the caller's
    /// call ends with it.
    /// </summary>
    public static async Task BlindTransferOfAQueueCallerToAnotherAgentAsync<TPbx>(RealPbxFixture<TPbx> fixture, string transferorLibrary, QueueCaller queue)
        where TPbx : class, IRealPbx<TPbx>
    {
        ArgumentNullException.ThrowIfNull(fixture);
        ArgumentNullException.ThrowIfNull(queue);
        await using var alice = await RealPbxAgents.SignInAsync(fixture.Host, "1001", transferorLibrary);
        try
        {
            await queue.StartAsync();
            await alice.WaitIncomingAsync(RealPbxAgents.RingTimeout);
            await alice.AnswerAsync();
            await alice.AssertHearsAsync(queue.CallerHz, "the queue caller's tone");
            await using var bob = await RealPbxAgents.SignInAsync(fixture.Host, "1002", RealPbxAgents.OtherLibrary(transferorLibrary));

            var referring = alice.ReferAsync("1002");
            await bob.WaitIncomingAsync(RealPbxAgents.RingTimeout);
            await bob.AnswerAsync();
            var refer = await referring;
            Assert.True(refer.GetProperty("outcome").GetString() == "accepted", $"{alice.Library}: the transfer was not accepted: {refer}\n{RealPbxFixture<TPbx>.Tail(fixture.Host.Output, 3000)}");
            var statuses = refer.GetProperty("statuses").EnumerateArray().Select(s => s.GetInt32()).ToList();
            Assert.Equal(100, statuses[0]);
            Assert.Equal(200, statuses[^1]);
            RealPbxFixture<TPbx>.AssertEnded(await alice.WaitEndAsync(TimeSpan.FromSeconds(15)), alice);

            await bob.AssertHearsAsync(queue.CallerHz, "the transferred caller's tone");
            await bob.HangupAsync();
            await fixture.AssertNothingLeftAsync();
        }
        finally
        {
            await queue.CleanUpAsync();
        }
    }

    /// <summary>
    /// Attended: 1001 answers a queue caller, holds it, calls 1002 and talks to it (each hears the other's tone), then
    /// sends REFER on the held call with Replaces naming the consultation. The NOTIFYs say 100 then 200, both of 1001's
    /// calls end, and 1002 and the caller talk, both directions checked by frequency (two tones): 1002 hears the
    /// caller's tone, and the caller's recording of what it heard ends in 1002's 900 Hz. 1002 hangs up; nothing is left.
    /// </summary>
    public static async Task AttendedTransferJoinsTheCallerWithTheConsultedAgentAsync<TPbx>(RealPbxFixture<TPbx> fixture, string transferorLibrary, QueueCaller queue)
        where TPbx : class, IRealPbx<TPbx>
    {
        ArgumentNullException.ThrowIfNull(fixture);
        ArgumentNullException.ThrowIfNull(queue);
        await using var alice = await RealPbxAgents.SignInAsync(fixture.Host, "1001", transferorLibrary);
        try
        {
            var heard = await queue.StartRecordingAsync();
            await alice.WaitIncomingAsync(RealPbxAgents.RingTimeout);
            await alice.AnswerAsync();
            await alice.AssertHearsAsync(queue.CallerHz, "the queue caller");
            await using var bob = await RealPbxAgents.SignInAsync(fixture.Host, "1002", RealPbxAgents.OtherLibrary(transferorLibrary));
            await alice.HoldAsync();

            var consulting = alice.CallAsync("1002");
            await bob.WaitIncomingAsync(RealPbxAgents.RingTimeout);
            await bob.AnswerAsync();
            fixture.AssertConfirmed(await consulting, alice);
            await alice.AssertHearsAsync(RealPbxAgents.MicrophoneHz1002, "Bob in the consultation");
            await bob.AssertHearsAsync(RealPbxAgents.MicrophoneHz1001, "Alice in the consultation");

            var refer = await alice.ReferAsync("1002", attended: true);
            Assert.True(refer.GetProperty("outcome").GetString() == "accepted", $"{alice.Library}: the attended transfer was not accepted: {refer}\n{RealPbxFixture<TPbx>.Tail(fixture.Host.Output, 3000)}");
            var statuses = refer.GetProperty("statuses").EnumerateArray().Select(s => s.GetInt32()).ToList();
            Assert.Equal(100, statuses[0]);
            Assert.Equal(200, statuses[^1]);
            Assert.True(
                await Poll.UntilAsync(async () => await alice.CallCountAsync() == 0, TimeSpan.FromSeconds(15)),
                $"{alice.Library}: Alice still has {await alice.CallCountAsync()} calls after the transfer\n{alice.Log}");

            // Caller to Bob: his browser hears the caller's tone. Bob to caller: what the caller heard last is Bob.
            await bob.AssertHearsAsync(queue.CallerHz, "the caller's tone after the transfer");
            await Task.Delay(TimeSpan.FromSeconds(3));
            await bob.HangupAsync();
            await fixture.AssertNothingLeftAsync();
            // Some 1.5 s of the caller's last 6 s is Bob: only he sends 900 Hz, and only to the caller after the transfer
            // (the held caller hears the hold music during the consultation). Not just the file's very end: until its channel is
            // gone the caller may reflect its own tone (seen once on FreeSWITCH under load), and a recording is written
            // in blocks (record_session, Asterisk's snoop), so the file's length at Bob's hangup does not mark it either.
            static bool IsBob((double Hz, double LevelDb) window) => Math.Abs(window.Hz - RealPbxAgents.MicrophoneHz1002) <= 20 && window.LevelDb > -50;
            var (hz, levelDb) = (0.0, -120.0);
            for (var skipEnd = 0.5; skipEnd <= 4.5 && !IsBob((hz, levelDb)); skipEnd += 0.5)
            {
                (hz, levelDb) = WavTone.Before(heard, seconds: 1.5, skipEnd: skipEnd);
            }

            Assert.True(
                IsBob((hz, levelDb)),
                $"no 1.5 s of the caller's last 6 s was Bob: the last heard {hz:0} Hz at {levelDb:0} dBFS, not Bob's {RealPbxAgents.MicrophoneHz1002:0} Hz ({heard})");
        }
        finally
        {
            await queue.CleanUpAsync();
        }
    }

    /// <summary>
    /// 1001 blind-transfers the queue caller to a number nobody has: the final NOTIFY says 404, 1001 keeps the call
    /// and still hears the caller.
    /// </summary>
    public static async Task BlindTransferToANumberThatDoesNotExistKeepsTheCallAsync<TPbx>(RealPbxFixture<TPbx> fixture, string library, QueueCaller queue)
        where TPbx : class, IRealPbx<TPbx>
    {
        ArgumentNullException.ThrowIfNull(fixture);
        ArgumentNullException.ThrowIfNull(queue);
        await using var alice = await RealPbxAgents.SignInAsync(fixture.Host, "1001", library);
        try
        {
            await queue.StartAsync();
            await alice.WaitIncomingAsync(RealPbxAgents.RingTimeout);
            await alice.AnswerAsync();
            await alice.AssertHearsAsync(queue.CallerHz, "the queue caller's tone");

            var refer = await alice.ReferAsync(queue.MissingNumber);
            Assert.True(refer.GetProperty("outcome").GetString() == "failed", $"{library}: a transfer to {queue.MissingNumber} did not fail: {refer}\n{RealPbxFixture<TPbx>.Tail(fixture.Host.Output, 3000)}");
            Assert.True(refer.GetProperty("status").GetInt32() == 404, $"{library}: the failure NOTIFY said {refer}, not 404\n{RealPbxFixture<TPbx>.Tail(fixture.Host.Output, 3000)}");
            Assert.Equal(100, refer.GetProperty("statuses")[0].GetInt32());

            Assert.Equal(1, await alice.CallCountAsync());
            await alice.AssertHearsAsync(queue.CallerHz, "the caller, still there after the failed transfer");
            await alice.HangupAsync();
            await fixture.AssertNothingLeftAsync();
        }
        finally
        {
            await queue.CleanUpAsync();
        }
    }
}
