using System.Net.Http.Headers;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using PbxBridge.RealPbx.Harness;

namespace PbxBridge.Browser.Tests.RealPbx.Harness;

/// <summary>
/// An ARI application of the test's own (not PbxBridge's, which would treat its channels as calls), for what the
/// suite's Asterisk build cannot do otherwise. What a dialplan caller hears (the build has neither MixMonitor nor
/// Record): an ARI snoop on the caller's channel with <c>spy=in</c> (the audio the channel reads: what reaches the
/// caller from the far side, not its own tone), recorded with <c>POST /channels/{snoop}/record</c> into the PBX's
/// spool; the snoop ends with the caller's channel, and the recording with it. A caller whose keys the test presses
/// (the build has no SIP phone): a Local channel whose ;1 half is in the application. The application lives as long
/// as its events WebSocket is open.
/// </summary>
public sealed class AsteriskLabApplication : IAsyncDisposable
{
    public const string Application = "lab-test";

    private readonly RealAsterisk _pbx;
    private readonly HttpClient _http;
    private readonly ClientWebSocket _events = new();
    private readonly CancellationTokenSource _stop = new();
    private Task _drain = Task.CompletedTask;

    private AsteriskLabApplication(RealAsterisk pbx)
    {
        _pbx = pbx;
        _http = new HttpClient { BaseAddress = new Uri(pbx.AriUrl + "/ari/"), Timeout = TimeSpan.FromSeconds(10) };
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(
            "Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes($"{RealAsterisk.AriUser}:{pbx.AriPassword}")));
    }

    /// <summary>Registers the application (its events WebSocket) so that channels can enter it.</summary>
    public static async Task<AsteriskLabApplication> ConnectAsync(RealAsterisk pbx)
    {
        ArgumentNullException.ThrowIfNull(pbx);
        var recording = new AsteriskLabApplication(pbx);
        var events = new Uri($"ws://127.0.0.1:8088/ari/events?app={Application}&api_key={RealAsterisk.AriUser}:{pbx.AriPassword}");
        await recording._events.ConnectAsync(events, CancellationToken.None);
        recording._drain = recording.DrainAsync();
        return recording;
    }

    /// <summary>
    /// Waits for the channel whose name starts with <paramref name="namePrefix"/> and ends with <paramref name="nameSuffix"/>
    /// (a Local caller's ;1 half), snoops what it hears and records that; returns the WAV's path, complete once the
    /// channel is gone.
    /// </summary>
    public async Task<string> RecordWhatItHearsAsync(string namePrefix, string nameSuffix)
    {
        string? channelId = null;
        Assert.True(
            await Poll.UntilAsync(async () => (channelId = await FindChannelAsync(namePrefix, nameSuffix)) is not null, TimeSpan.FromSeconds(10)),
            $"Asterisk has no channel {namePrefix}…{nameSuffix}: {await _http.GetStringAsync(new Uri("channels", UriKind.Relative))}");

        // Asterisk records only into an existing folder (without it: 500, "No such file or directory" in its log);
        // an installed Asterisk has /var/spool/asterisk/recording, the lab's private run folder has to be given one.
        var folder = Directory.CreateDirectory(Path.Combine(_pbx.RunDirectory, "spool", "recording")).FullName;
        var snoopId = "lab-snoop-" + Guid.NewGuid().ToString("N")[..12];
        await PostAsync($"channels/{channelId}/snoop?spy=in&whisper=none&app={Application}&snoopId={snoopId}");
        var name = "heard-" + Guid.NewGuid().ToString("N")[..12];

        // The snoop channel enters the application on a thread of its own: record is refused until it is there.
        Assert.True(
            await Poll.UntilAsync(async () => await TryPostAsync($"channels/{snoopId}/record?name={name}&format=wav&ifExists=overwrite&beep=false"), TimeSpan.FromSeconds(10)),
            $"the snoop {snoopId} on {channelId} never started recording");
        return Path.Combine(folder, name + ".wav");
    }

    /// <summary>
    /// Creates and dials <paramref name="endpoint"/> (a Local channel) with its ;1 half, <paramref name="channelId"/>,
    /// entering the application once the dialplan answers; its ;2 half is <paramref name="channelId"/>-2.
    /// </summary>
    public Task OriginateAsync(string endpoint, string channelId) =>
        PostAsync($"channels?endpoint={Uri.EscapeDataString(endpoint)}&app={Application}&channelId={channelId}&otherChannelId={channelId}-2");

    /// <summary>Plays <paramref name="digits"/> into the channel, as a phone's keys would reach the other half.</summary>
    public Task SendDtmfAsync(string channelId, string digits) =>
        PostAsync($"channels/{channelId}/dtmf?dtmf={Uri.EscapeDataString(digits)}");

    /// <summary>The channels the application <paramref name="application"/> is subscribed to (those in it and those followed).</summary>
    public async Task<string[]> SubscribedChannelsAsync(string application)
    {
        using var app = JsonDocument.Parse(await _http.GetStringAsync(new Uri("applications/" + application, UriKind.Relative)));
        return [.. app.RootElement.GetProperty("channel_ids").EnumerateArray().Select(c => c.GetString()!)];
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_events.State == WebSocketState.Open)
            {
                // Only the close frame: the reader below receives Asterisk's reply and returns.
                await _events.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "done", CancellationToken.None);
            }

            await _drain.WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException or TimeoutException)
        {
            // Asterisk already gone, or slow to reply: the socket is aborted below either way.
        }

        await _stop.CancelAsync();

        _events.Dispose();
        _stop.Dispose();
        _http.Dispose();
    }

    private async Task<string?> FindChannelAsync(string namePrefix, string nameSuffix)
    {
        using var channels = JsonDocument.Parse(await _http.GetStringAsync(new Uri("channels", UriKind.Relative)));
        return channels.RootElement.EnumerateArray()
            .Where(c => c.GetProperty("name").GetString() is { } n && n.StartsWith(namePrefix, StringComparison.Ordinal) && n.EndsWith(nameSuffix, StringComparison.Ordinal))
            .Select(c => c.GetProperty("id").GetString())
            .FirstOrDefault();
    }

    private async Task PostAsync(string path)
    {
        using var response = await _http.PostAsync(new Uri(path, UriKind.Relative), null);
        Assert.True(response.IsSuccessStatusCode, $"POST {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    private async Task<bool> TryPostAsync(string path)
    {
        using var response = await _http.PostAsync(new Uri(path, UriKind.Relative), null);
        return response.IsSuccessStatusCode;
    }

    // The application's events are not needed, but they are read so that Asterisk never waits on a full socket.
    private async Task DrainAsync()
    {
        var buffer = new byte[16384];
        while (!_stop.IsCancellationRequested && _events.State == WebSocketState.Open)
        {
            var received = await _events.ReceiveAsync(buffer, _stop.Token);
            if (received.MessageType == WebSocketMessageType.Close)
            {
                return;
            }
        }
    }
}
