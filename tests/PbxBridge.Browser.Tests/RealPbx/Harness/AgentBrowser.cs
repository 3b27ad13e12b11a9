using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using PbxBridge.Browser.Tests.Harness;

namespace PbxBridge.Browser.Tests.RealPbx.Harness;

/// <summary>
/// One agent's softphone (JsSIP or SIP.js in headless Chromium, tests/browser/agent/agent.mjs) driven step by step:
/// a real-PBX scenario interleaves what the agent does (call, answer, hold, keys) with what the PBX does, so the
/// browser cannot run a fixed script. Each step is one JSON command on the script's stdin and one answer line back.
/// </summary>
public sealed class AgentBrowser : IAsyncDisposable
{
    private static readonly TimeSpan DefaultStepTimeout = TimeSpan.FromSeconds(60);

    private readonly Process _process;
    private readonly StringBuilder _stderr = new();
    private readonly Dictionary<int, TaskCompletionSource<JsonElement>> _pending = [];
    private readonly string _wav;
    private int _nextId;

    private AgentBrowser(Process process, string library, string wav)
    {
        _process = process;
        _wav = wav;
        Library = library;
    }

    private bool _disposed;

    public string Library { get; }

    /// <summary>Launches Chromium with <paramref name="library"/> ("jssip" or "sipjs") and a microphone playing a
    /// <paramref name="microphoneHz"/> tone.</summary>
    public static Task<AgentBrowser> LaunchAsync(string library, double microphoneHz) => LaunchAsync(library, microphoneHz, null);

    /// <summary>As above, with Chromium in <paramref name="networkNamespace"/> (a <see cref="BrowserNetwork"/>) when one is given.</summary>
    public static async Task<AgentBrowser> LaunchAsync(string library, double microphoneHz, string? networkNamespace)
    {
        var wav = Path.Combine(Path.GetTempPath(), $"agent-mic-{Guid.NewGuid():N}.wav");
        ToneWav.Write(wav, microphoneHz, 120);
        var startInfo = new ProcessStartInfo(networkNamespace is null ? "node" : "ip")
        {
            WorkingDirectory = RepoPaths.BrowserTests,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (networkNamespace is not null)
        {
            foreach (var word in new[] { "netns", "exec", networkNamespace, "node" })
            {
                startInfo.ArgumentList.Add(word);
            }
        }

        startInfo.ArgumentList.Add(RepoPaths.BrowserScript("agent", "agent.mjs"));
        startInfo.ArgumentList.Add($"--library={library}");
        startInfo.ArgumentList.Add($"--wav={wav}");
        var agent = new AgentBrowser(new Process { StartInfo = startInfo }, library, wav);
        agent.Start();
        await agent.WaitAsync(0, TimeSpan.FromSeconds(60));
        return agent;
    }

    public Task<JsonElement> RegisterAsync(Uri baseUri, string agentId, string password, bool keepRegistered = false) =>
        SendAsync("register", new JsonObject { ["url"] = baseUri.ToString().TrimEnd('/'), ["agent"] = agentId, ["password"] = password, ["keepRegistered"] = keepRegistered });

    /// <summary>Dials; returns at the first provisional response with SDP ({state: "early", progress}), or with the
    /// outcome ({state: "confirmed" | "failed"}) when none came. <see cref="WaitConfirmedAsync"/> then waits for the 200.</summary>
    public Task<JsonElement> CallEarlyAsync(string dial) => SendAsync("callEarly", new JsonObject { ["dial"] = dial });

    public Task<JsonElement> WaitConfirmedAsync() => SendAsync("waitConfirmed");

    /// <summary>Signs out (REGISTER with Expires: 0) and keeps the page and its WebSocket open.</summary>
    public Task<JsonElement> UnregisterAsync() => SendAsync("unregister");

    /// <summary>Dials and returns when the call is confirmed or failed ({state, status, progress}).</summary>
    public Task<JsonElement> CallAsync(string dial) => SendAsync("call", new JsonObject { ["dial"] = dial });

    /// <param name="fresh">Wait for a call other than the one the page already had (the agent was rung before).</param>
    public Task<JsonElement> WaitIncomingAsync(TimeSpan timeout, bool fresh = false) =>
        SendAsync("waitIncoming", new JsonObject { ["timeoutMs"] = (int)timeout.TotalMilliseconds, ["fresh"] = fresh }, timeout + TimeSpan.FromSeconds(10));

    public Task<JsonElement> AnswerAsync() => SendAsync("answer");

    /// <summary>Waits for audible sound on the remote track; false when nothing was heard in time.</summary>
    public async Task<bool> WaitSoundAsync(TimeSpan timeout) =>
        (await SendAsync("waitSound", new JsonObject { ["timeoutMs"] = (int)timeout.TotalMilliseconds }, timeout + TimeSpan.FromSeconds(10))).ValueKind == JsonValueKind.Number;

    /// <summary>The remote track's dominant frequency over <paramref name="duration"/> ({frequencyHz, loudWindows, ...}).</summary>
    public Task<JsonElement> ToneAsync(TimeSpan duration) =>
        SendAsync("tone", new JsonObject { ["ms"] = (int)duration.TotalMilliseconds });

    public Task<JsonElement> DtmfAsync(string tones) => SendAsync("dtmf", new JsonObject { ["tones"] = tones });

    /// <summary>Declines the ringing call with <paramref name="status"/> (486 Busy Here while in a call: call waiting).</summary>
    public Task<JsonElement> RejectAsync(int status) => SendAsync("reject", new JsonObject { ["status"] = status });

    /// <summary>Makes call <paramref name="line"/> (0 = the oldest up) the one hold, unhold, hangup and the tone check act on.</summary>
    public Task<JsonElement> FocusAsync(int line) => SendAsync("focus", new JsonObject { ["line"] = line });

    public Task<JsonElement> HoldAsync() => SendAsync("hold");

    public Task<JsonElement> UnholdAsync() => SendAsync("unhold");

    /// <summary>
    /// Waits until the library shows the far side's hold as <paramref name="held"/> (JsSIP: isOnHold().remote after its
    /// 'hold' / 'unhold' events with originator remote; SIP.js: the transceiver's negotiated direction recvonly or
    /// inactive): {held, events | direction}.
    /// </summary>
    public Task<JsonElement> RemoteHoldAsync(bool held, TimeSpan timeout) =>
        SendAsync("remoteHold", new JsonObject { ["held"] = held, ["timeoutMs"] = (int)timeout.TotalMilliseconds }, timeout + TimeSpan.FromSeconds(10));

    public Task<JsonElement> HangupAsync() => SendAsync("hangup");

    /// <summary>
    /// REFER (RFC 3515) as the library sends it: blind to <paramref name="target"/> on the current call, or attended
    /// (<paramref name="target"/> the consultation's number) on the held first call with Replaces naming the current
    /// one. Returns when the final NOTIFY came: {outcome: accepted|failed|rejected, status, statuses: [100, ..., final]}.
    /// On "accepted" the phone has hung the transferred call up, as JsSIP and SIP.js phones do.
    /// </summary>
    public Task<JsonElement> ReferAsync(string target, bool attended = false) =>
        SendAsync("refer", new JsonObject { ["target"] = target, ["attended"] = attended }, TimeSpan.FromSeconds(90));

    /// <summary>How many calls the phone has up.</summary>
    public async Task<int> CallCountAsync() => (await SendAsync("calls")).GetInt32();

    /// <summary>
    /// Mid-call, the browser's namespace moves from <paramref name="oldAddress"/> to <paramref name="newAddress"/> and
    /// the old address's connections are aborted; returns once the library reconnected, registered and re-INVITEd with
    /// an ICE restart ({state: "renegotiated", afterMs}). Only for an agent launched in a namespace.
    /// </summary>
    public Task<JsonElement> NetworkChangeAsync(string oldAddress, string newAddress) =>
        SendAsync("networkChange", new JsonObject { ["oldAddress"] = oldAddress, ["newAddress"] = newAddress, ["device"] = "br0" });

    /// <summary>How the call ended ({originator, cause} / {state, byeFromRemote}), or {timeout: true}.</summary>
    public Task<JsonElement> WaitEndAsync(TimeSpan timeout) =>
        SendAsync("waitEnd", new JsonObject { ["timeoutMs"] = (int)timeout.TotalMilliseconds }, timeout + TimeSpan.FromSeconds(10));

    /// <summary>
    /// Checks that the remote audio settles on a tone of <paramref name="hz"/> (within 20 Hz, at least half of a
    /// one-second window loud) within 15 s. A change of what is heard (hold music coming and going, a re-INVITE on
    /// the PBX side) takes the PBX a moment, so the check waits for the sound it expects instead of judging the first
    /// window after the change; it fails with the last windows it measured.
    /// </summary>
    public async Task AssertHearsAsync(double hz, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        var readings = new List<string>();
        while (true)
        {
            var tone = await ToneAsync(TimeSpan.FromSeconds(1));
            readings.Add(tone.ToString());
            var windows = tone.GetProperty("windows").GetInt32();
            var loud = windows > 0 && tone.GetProperty("loudWindows").GetInt32() >= windows / 2;
            if (loud && tone.GetProperty("frequencyHz").GetDouble() is var measured && Math.Abs(measured - hz) <= 20)
            {
                return;
            }

            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"{Library}: never heard a steady {hz:0} Hz ({what}); last windows:\n{string.Join('\n', readings.TakeLast(5))}\n{Log}");
            }
        }
    }

    /// <summary>Checks that the remote audio falls silent (a one-second window with nothing loud) within 10 s.</summary>
    public async Task AssertSilentAsync(string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        var readings = new List<string>();
        while (true)
        {
            var tone = await ToneAsync(TimeSpan.FromSeconds(1));
            readings.Add(tone.ToString());
            if (tone.GetProperty("windows").GetInt32() > 0 && tone.GetProperty("loudWindows").GetInt32() == 0)
            {
                return;
            }

            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"{Library}: never silent ({what}); last windows:\n{string.Join('\n', readings.TakeLast(5))}\n{Log}");
            }
        }
    }

    /// <summary>Everything the script wrote to stderr (its step log and the browser's errors).</summary>
    public string Log
    {
        get
        {
            lock (_stderr)
            {
                return _stderr.Length > 6000 ? "…" + _stderr.ToString(_stderr.Length - 6000, 6000) : _stderr.ToString();
            }
        }
    }

    public async Task<JsonElement> SendAsync(string op, JsonObject? arguments = null, TimeSpan? timeout = null)
    {
        var command = arguments ?? [];
        var id = Interlocked.Increment(ref _nextId);
        command["id"] = id;
        command["op"] = op;
        var waiter = Register(id);
        await _process.StandardInput.WriteLineAsync(command.ToJsonString());
        await _process.StandardInput.FlushAsync();
        var answer = await WaitAsync(id, timeout ?? DefaultStepTimeout, waiter);
        if (!answer.GetProperty("ok").GetBoolean())
        {
            throw new InvalidOperationException($"{Library} {op} failed: {answer}\n--- agent log ---\n{Log}");
        }

        return answer.TryGetProperty("result", out var result) ? result : default;
    }

    public async ValueTask DisposeAsync()
    {
        // A scenario may close the page itself (an agent closing the tab) before its `await using` does.
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        try
        {
            if (!_process.HasExited)
            {
                _process.StandardInput.Close();
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                await _process.WaitForExitAsync(cts.Token);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or InvalidOperationException)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.Dispose();
        File.Delete(_wav);
    }

    private void Start()
    {
        _process.OutputDataReceived += (_, e) => OnAnswer(e.Data);
        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (_stderr)
                {
                    _stderr.AppendLine(e.Data);
                }
            }
        };
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    private TaskCompletionSource<JsonElement> Register(int id)
    {
        lock (_pending)
        {
            if (!_pending.TryGetValue(id, out var waiter))
            {
                waiter = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
                _pending[id] = waiter;
            }

            return waiter;
        }
    }

    private async Task<JsonElement> WaitAsync(int id, TimeSpan timeout, TaskCompletionSource<JsonElement>? waiter = null)
    {
        waiter ??= Register(id);
        try
        {
            return await waiter.Task.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"{Library}: step {id} got no answer in {timeout.TotalSeconds:0} s\n--- agent log ---\n{Log}");
        }
    }

    private void OnAnswer(string? line)
    {
        if (line is null || !line.StartsWith('{'))
        {
            return;
        }

        JsonElement answer;
        try
        {
            using var document = JsonDocument.Parse(line);
            answer = document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return;
        }

        if (answer.TryGetProperty("id", out var idElement) && idElement.TryGetInt32(out var id))
        {
            Register(id).TrySetResult(answer);
        }
    }
}
