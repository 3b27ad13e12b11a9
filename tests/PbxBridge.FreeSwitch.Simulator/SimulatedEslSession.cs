using System.Net;
using System.Net.Sockets;
using System.Text;

namespace PbxBridge.FreeSwitch.Simulator;

/// <summary>
/// One inbound event-socket connection to the simulator, behaving as mod_event_socket does in transcripts 01, 03, 08:
/// auth/request, `auth`, `event plain|json`, `filter` (OR semantics once any exists), `api`, `bgapi` with the client's
/// Job-UUID, `sendmsg` hangup, `exit`, and disconnect-notice before every close.
/// </summary>
internal sealed class SimulatedEslSession : IAsyncDisposable
{
    private readonly FreeSwitchSimulator _simulator;
    private readonly TcpClient _client;
    private readonly NetworkStream _stream;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly HashSet<string> _subscribed = new(StringComparer.Ordinal);
    private readonly List<KeyValuePair<string, string>> _filters = [];
    private bool _json;
    private bool _authenticated;

    public SimulatedEslSession(FreeSwitchSimulator simulator, TcpClient client)
    {
        _simulator = simulator;
        _client = client;
        _stream = client.GetStream();
    }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            var remote = ((IPEndPoint)_client.Client.RemoteEndPoint!).Address;
            if (!_simulator.Options.AllowedEslClients.Any(a => a.Equals(remote)))
            {
                await WriteAsync($"Content-Type: text/rude-rejection\nContent-Length: {RecordedResponses.AccessDenied.Length}\n\n{RecordedResponses.AccessDenied}").ConfigureAwait(false);
                await WriteGoodbyeAsync().ConfigureAwait(false);
                return;
            }

            await WriteAsync("Content-Type: auth/request\n\n").ConfigureAwait(false);
            var reader = new StreamReader(_stream, Encoding.UTF8, false, 4096, leaveOpen: true);
            while (!cancellationToken.IsCancellationRequested)
            {
                var (command, headers) = await ReadCommandAsync(reader, cancellationToken).ConfigureAwait(false);
                if (command is null)
                {
                    return;
                }

                if (!await HandleAsync(command, headers).ConfigureAwait(false))
                {
                    return;
                }
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or OperationCanceledException or SocketException)
        {
        }
        finally
        {
            _simulator.Remove(this);
            _client.Dispose();
        }
    }

    /// <summary>Sends an event if this connection subscribed to it and it passes the filters.</summary>
    public async Task PublishAsync(SimulatedEvent e)
    {
        if (!_authenticated || !(_subscribed.Contains(e.Name) || _subscribed.Contains("ALL")))
        {
            return;
        }

        lock (_filters)
        {
            if (_filters.Count > 0 && !_filters.Any(f => e.Get(f.Key) == f.Value))
            {
                return;
            }
        }

        try
        {
            await WriteAsync(e.ToFrame(_json)).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or SocketException)
        {
        }
    }

    public ValueTask DisposeAsync()
    {
        _client.Dispose();
        return ValueTask.CompletedTask;
    }

    private static async Task<(string? Command, Dictionary<string, string> Headers)> ReadCommandAsync(StreamReader reader, CancellationToken cancellationToken)
    {
        string? command = null;
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        while (true)
        {
            var line = await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false);
            if (line is null)
            {
                return (null, headers);
            }

            if (line.Length == 0)
            {
                if (command is null)
                {
                    continue;
                }

                return (command, headers);
            }

            if (command is null)
            {
                command = line;
            }
            else if (line.IndexOf(':', StringComparison.Ordinal) is var colon and > 0)
            {
                headers[line[..colon].Trim()] = line[(colon + 1)..].Trim();
            }
        }
    }

    private async Task<bool> HandleAsync(string command, Dictionary<string, string> headers)
    {
        if (!_authenticated)
        {
            if (command.StartsWith("auth ", StringComparison.Ordinal) && command[5..] == _simulator.Options.EslPassword)
            {
                _authenticated = true;
                await ReplyAsync("+OK accepted").ConfigureAwait(false);
                return true;
            }

            if (command.StartsWith("auth ", StringComparison.Ordinal))
            {
                await ReplyAsync("-ERR invalid").ConfigureAwait(false);
                await WriteGoodbyeAsync().ConfigureAwait(false);
                return false;
            }

            await ReplyAsync("-ERR command not found").ConfigureAwait(false);
            return true;
        }

        var space = command.IndexOf(' ', StringComparison.Ordinal);
        var verb = space < 0 ? command : command[..space];
        var rest = space < 0 ? string.Empty : command[(space + 1)..];
        switch (verb)
        {
            case "event":
                var words = rest.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                _json = words.Length > 0 && words[0] == "json";
                foreach (var name in words.Skip(1))
                {
                    _subscribed.Add(name);
                }

                await ReplyAsync("+OK event listener enabled " + (words.Length > 0 ? words[0] : "plain")).ConfigureAwait(false);
                return true;
            case "filter":
                var parts = rest.Split(' ', 2);
                if (parts.Length == 2)
                {
                    lock (_filters)
                    {
                        _filters.Add(new(parts[0], parts[1]));
                    }

                    await ReplyAsync($"+OK filter added. [{parts[0]}]=[{parts[1]}]").ConfigureAwait(false);
                }
                else
                {
                    await ReplyAsync("-ERR invalid syntax").ConfigureAwait(false);
                }

                return true;
            case "api":
                var output = await _simulator.ExecuteApiAsync(rest).ConfigureAwait(false);
                await WriteAsync($"Content-Type: api/response\nContent-Length: {Encoding.UTF8.GetByteCount(output)}\n\n{output}").ConfigureAwait(false);
                return true;
            case "bgapi":
                var job = headers.TryGetValue("Job-UUID", out var supplied) ? supplied : Guid.NewGuid().ToString();
                await WriteAsync($"Content-Type: command/reply\nReply-Text: +OK Job-UUID: {job}\nJob-UUID: {job}\n\n").ConfigureAwait(false);
                _ = Task.Run(async () =>
                {
                    var result = await _simulator.ExecuteApiAsync(rest).ConfigureAwait(false);
                    var space2 = rest.IndexOf(' ', StringComparison.Ordinal);
                    var e = new SimulatedEvent("BACKGROUND_JOB")
                        .Add("Job-UUID", job)
                        .Add("Job-Command", space2 < 0 ? rest : rest[..space2])
                        .Add("Job-Command-Arg", space2 < 0 ? string.Empty : rest[(space2 + 1)..]);
                    e.Body = result;
                    await PublishAsync(e).ConfigureAwait(false);
                });
                return true;
            case "sendmsg":
                var uuid = rest.Trim();
                if (_simulator.FindChannel(uuid) is not { } channel)
                {
                    await ReplyAsync($"-ERR invalid session id [{uuid}]").ConfigureAwait(false);
                    return true;
                }

                if (headers.TryGetValue("call-command", out var callCommand) && callCommand == "hangup")
                {
                    var cause = headers.TryGetValue("hangup-cause", out var c) ? c : "NORMAL_CLEARING";
                    _ = _simulator.HangupChannelAsync(channel, cause);
                }

                await ReplyAsync("+OK").ConfigureAwait(false);
                return true;
            case "myevents":
                // Never used by PbxBridge on the control connection (it would close with the call, transcript 08).
                await ReplyAsync("+OK Events Enabled").ConfigureAwait(false);
                return true;
            case "nixevent":
                await ReplyAsync("+OK events nixed").ConfigureAwait(false);
                return true;
            case "noevents":
                _subscribed.Clear();
                await ReplyAsync("+OK no longer listening for events").ConfigureAwait(false);
                return true;
            case "linger":
                await ReplyAsync("-ERR not controlling a session").ConfigureAwait(false);
                return true;
            case "exit":
                await ReplyAsync("+OK bye").ConfigureAwait(false);
                await WriteGoodbyeAsync().ConfigureAwait(false);
                return false;
            default:
                await ReplyAsync("-ERR command not found").ConfigureAwait(false);
                return true;
        }
    }

    private Task ReplyAsync(string text) => WriteAsync($"Content-Type: command/reply\nReply-Text: {text}\n\n");

    private Task WriteGoodbyeAsync() =>
        WriteAsync($"Content-Type: text/disconnect-notice\nContent-Length: {RecordedResponses.Goodbye.Length}\n\n{RecordedResponses.Goodbye}");

    private Task WriteAsync(string text) => WriteAsync(Encoding.UTF8.GetBytes(text));

    private async Task WriteAsync(byte[] bytes)
    {
        await _writeLock.WaitAsync().ConfigureAwait(false);
        try
        {
            await _stream.WriteAsync(bytes).ConfigureAwait(false);
        }
        finally
        {
            _writeLock.Release();
        }
    }
}
