using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using PbxBridge.Asterisk.Ari.Models;

namespace PbxBridge.Asterisk.Ari;

/// <summary>
/// ARI REST over HttpClient: the resources and operations PbxBridge uses (channels, bridges, applications, asterisk),
/// named as the ARI docs name them. Any non-2xx answer becomes an <see cref="AriException"/> with status and message.
/// </summary>
public sealed class AriClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly string _apiKeyQuery;

    public AriClient(AsteriskOptions options, HttpMessageHandler? handler = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _http = handler is null ? new HttpClient() : new HttpClient(handler, disposeHandler: false);
        _http.BaseAddress = new Uri(options.Url.TrimEnd('/') + "/ari/");
        _http.Timeout = TimeSpan.FromSeconds(10);
        if (string.IsNullOrEmpty(options.ApiKey))
        {
            _apiKeyQuery = "";
            var token = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{options.User}:{options.Password}"));
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", token);
        }
        else
        {
            _apiKeyQuery = "api_key=" + Uri.EscapeDataString(options.ApiKey);
        }
    }

    // --- asterisk ---

    /// <param name="only">Comma-separated filter: build, system, config, status.</param>
    public Task<AsteriskInfo> GetInfoAsync(string? only = null, CancellationToken cancellationToken = default) =>
        GetAsync("asterisk/info" + new AriQuery().Add("only", only), AriJsonContext.Default.AsteriskInfo, cancellationToken);

    public Task<Module> GetModuleAsync(string moduleName, CancellationToken cancellationToken = default) =>
        GetAsync("asterisk/modules/" + Escape(moduleName), AriJsonContext.Default.Module, cancellationToken);

    /// <summary>GET /asterisk/variable: a global variable by its bare name ("" when unset; Asterisk evaluates no function here,
    /// so "GLOBAL(name)" reads as "").</summary>
    public async Task<string> GetGlobalVariableAsync(string variable, CancellationToken cancellationToken = default)
    {
        var result = await GetAsync("asterisk/variable" + new AriQuery().Add("variable", variable), AriJsonContext.Default.Variable, cancellationToken)
            .ConfigureAwait(false);
        return result.Value;
    }

    /// <summary>POST /asterisk/variable: sets a global variable; a null <paramref name="value"/> deletes it.</summary>
    public Task SetGlobalVariableAsync(string variable, string? value, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, "asterisk/variable" + new AriQuery().Add("variable", variable).Add("value", value), cancellationToken);

    // --- applications ---

    public Task<List<Application>> ListApplicationsAsync(CancellationToken cancellationToken = default) =>
        GetAsync("applications", AriJsonContext.Default.ListApplication, cancellationToken);

    public Task<Application> GetApplicationAsync(string applicationName, CancellationToken cancellationToken = default) =>
        GetAsync("applications/" + Escape(applicationName), AriJsonContext.Default.Application, cancellationToken);

    /// <summary>POST /applications/{app}/subscription: the application gets the events of <paramref name="eventSource"/>
    /// (<c>channel:{id}</c>) without the channel entering it. Subscriptions are counted: each is undone by one unsubscribe.</summary>
    public Task SubscribeAsync(string applicationName, string eventSource, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, $"applications/{Escape(applicationName)}/subscription" + new AriQuery().Add("eventSource", eventSource), cancellationToken);

    /// <summary>DELETE /applications/{app}/subscription: withdraws one <see cref="SubscribeAsync"/>.</summary>
    public Task UnsubscribeAsync(string applicationName, string eventSource, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Delete, $"applications/{Escape(applicationName)}/subscription" + new AriQuery().Add("eventSource", eventSource), cancellationToken);

    // --- channels ---

    public Task<List<Channel>> ListChannelsAsync(CancellationToken cancellationToken = default) =>
        GetAsync("channels", AriJsonContext.Default.ListChannel, cancellationToken);

    public Task<Channel> GetChannelAsync(string channelId, CancellationToken cancellationToken = default) =>
        GetAsync("channels/" + Escape(channelId), AriJsonContext.Default.Channel, cancellationToken);

    /// <summary>POST /channels: originate into a Stasis app. A 200 does not mean the far end exists: watch for ChannelDestroyed.</summary>
    public Task<Channel> OriginateAsync(OriginateRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var query = new AriQuery()
            .Add("endpoint", request.Endpoint)
            .Add("app", request.App)
            .Add("appArgs", request.AppArgs)
            .Add("callerId", request.CallerId)
            .Add("timeout", request.Timeout)
            .Add("channelId", request.ChannelId)
            .Add("otherChannelId", request.OtherChannelId)
            .Add("formats", request.Formats);
        return SendAsync(HttpMethod.Post, "channels" + query, AriJsonContext.Default.Channel, cancellationToken);
    }

    /// <summary>
    /// POST /channels/create: the channel enters the app at once, not dialed yet (state Down); dial it with
    /// <see cref="DialAsync"/>. Like externalMedia, it enters Stasis on its own thread after the response.
    /// </summary>
    public Task<Channel> CreateChannelAsync(CreateChannelRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var query = new AriQuery()
            .Add("endpoint", request.Endpoint)
            .Add("app", request.App)
            .Add("appArgs", request.AppArgs)
            .Add("channelId", request.ChannelId)
            .Add("otherChannelId", request.OtherChannelId)
            .Add("formats", request.Formats);
        return SendAsync(HttpMethod.Post, "channels/create" + query, AriJsonContext.Default.Channel, cancellationToken, VariablesBody(request.Variables));
    }

    /// <summary>{"variables": {...}} as ARI takes channel variables on create, or no body.</summary>
    private static StringContent? VariablesBody(IReadOnlyDictionary<string, string>? variables)
    {
        if (variables is not { Count: > 0 })
        {
            return null;
        }

        var json = JsonSerializer.Serialize(new ChannelVariablesBody { Variables = new Dictionary<string, string>(variables, StringComparer.Ordinal) }, AriJsonContext.Default.ChannelVariablesBody);
        return new StringContent(json, Encoding.UTF8, "application/json");
    }

    /// <summary>
    /// POST /channels/{id}/dial: dial a created channel. Progress comes as Dial events on it (PROGRESS, RINGING, then
    /// ANSWER or BUSY/CONGESTION/...), the answer also as ChannelStateChange Up.
    /// </summary>
    public Task DialAsync(string channelId, int? timeoutSeconds = null, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, $"channels/{Escape(channelId)}/dial" + new AriQuery().Add("timeout", timeoutSeconds), cancellationToken);

    /// <summary>POST /channels/externalMedia: a UnicastRTP channel whose response carries UNICASTRTP_LOCAL_ADDRESS/PORT.</summary>
    public Task<Channel> CreateExternalMediaAsync(ExternalMediaRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var query = new AriQuery()
            .Add("app", request.App)
            .Add("external_host", request.ExternalHost)
            .Add("format", request.Format)
            .Add("encapsulation", request.Encapsulation)
            .Add("transport", request.Transport)
            .Add("direction", request.Direction)
            .Add("channelId", request.ChannelId)
            .Add("data", request.Data);
        return SendAsync(HttpMethod.Post, "channels/externalMedia" + query, AriJsonContext.Default.Channel, cancellationToken, VariablesBody(request.Variables));
    }

    public Task AnswerAsync(string channelId, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, $"channels/{Escape(channelId)}/answer", cancellationToken);

    /// <summary>Indicate ringing to the channel (the caller hears ringback).</summary>
    public Task RingAsync(string channelId, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, $"channels/{Escape(channelId)}/ring", cancellationToken);

    public Task RingStopAsync(string channelId, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Delete, $"channels/{Escape(channelId)}/ring", cancellationToken);

    /// <summary>DELETE /channels/{id}. <paramref name="reason"/>: normal, busy, congestion, no_answer, rejected, unallocated ...</summary>
    public Task HangupAsync(string channelId, string? reason = null, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Delete, $"channels/{Escape(channelId)}" + new AriQuery().Add("reason", reason), cancellationToken);

    /// <summary>DELETE /channels/{id}?reason_code=N with a Q.850 cause.</summary>
    public Task HangupWithCauseAsync(string channelId, int reasonCode, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Delete, $"channels/{Escape(channelId)}" + new AriQuery().Add("reason_code", reasonCode), cancellationToken);

    /// <param name="dtmf">Digits to send (0-9, *, #, A-D).</param>
    /// <param name="durationMs">Length of each digit in ms.</param>
    public Task SendDtmfAsync(string channelId, string dtmf, int? durationMs = null, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, $"channels/{Escape(channelId)}/dtmf" + new AriQuery().Add("dtmf", dtmf).Add("duration", durationMs), cancellationToken);

    public Task HoldAsync(string channelId, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, $"channels/{Escape(channelId)}/hold", cancellationToken);

    public Task UnholdAsync(string channelId, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Delete, $"channels/{Escape(channelId)}/hold", cancellationToken);

    public Task StartMohAsync(string channelId, string? mohClass = null, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, $"channels/{Escape(channelId)}/moh" + new AriQuery().Add("mohClass", mohClass), cancellationToken);

    public Task StopMohAsync(string channelId, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Delete, $"channels/{Escape(channelId)}/moh", cancellationToken);

    /// <summary>POST /channels/{id}/continue: leave Stasis and run the dialplan at context/extension/priority.</summary>
    public Task ContinueInDialplanAsync(string channelId, string? context, string? extension, int? priority = null, CancellationToken cancellationToken = default) =>
        SendAsync(
            HttpMethod.Post,
            $"channels/{Escape(channelId)}/continue" + new AriQuery().Add("context", context).Add("extension", extension).Add("priority", priority),
            cancellationToken);

    /// <summary>POST /channels/{id}/redirect: send the channel to another endpoint (Tech/resource).</summary>
    public Task RedirectAsync(string channelId, string endpoint, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, $"channels/{Escape(channelId)}/redirect" + new AriQuery().Add("endpoint", endpoint), cancellationToken);

    public async Task<string> GetVariableAsync(string channelId, string variable, CancellationToken cancellationToken = default)
    {
        var result = await GetAsync(
            $"channels/{Escape(channelId)}/variable" + new AriQuery().Add("variable", variable),
            AriJsonContext.Default.Variable,
            cancellationToken).ConfigureAwait(false);
        return result.Value;
    }

    public Task SetVariableAsync(string channelId, string variable, string value, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, $"channels/{Escape(channelId)}/variable" + new AriQuery().Add("variable", variable).Add("value", value), cancellationToken);

    // --- device states ---

    /// <summary>
    /// PUT /deviceStates/{deviceName}?deviceState=STATE: sets (creating it) a device state ARI controls. The name must
    /// start with "Stasis:"; STATE is NOT_INUSE, INUSE, BUSY, INVALID, UNAVAILABLE, RINGING, RINGINUSE or ONHOLD.
    /// </summary>
    public Task UpdateDeviceStateAsync(string deviceName, string deviceState, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Put, "deviceStates/" + Escape(deviceName) + new AriQuery().Add("deviceState", deviceState), cancellationToken);

    // --- bridges ---

    public Task<List<Bridge>> ListBridgesAsync(CancellationToken cancellationToken = default) =>
        GetAsync("bridges", AriJsonContext.Default.ListBridge, cancellationToken);

    public Task<Bridge> GetBridgeAsync(string bridgeId, CancellationToken cancellationToken = default) =>
        GetAsync("bridges/" + Escape(bridgeId), AriJsonContext.Default.Bridge, cancellationToken);

    /// <param name="type">"mixing" (what PbxBridge uses), "holding", "dtmf_events", "proxy_media" ...</param>
    public Task<Bridge> CreateBridgeAsync(string type, string? bridgeId = null, string? name = null, CancellationToken cancellationToken = default) =>
        SendAsync(
            HttpMethod.Post,
            "bridges" + new AriQuery().Add("type", type).Add("bridgeId", bridgeId).Add("name", name),
            AriJsonContext.Default.Bridge,
            cancellationToken);

    /// <summary>An unknown bridge is 404 "Bridge not found"; an unknown channel is 400 "Channel not found".</summary>
    public Task AddChannelAsync(string bridgeId, IReadOnlyList<string> channelIds, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, $"bridges/{Escape(bridgeId)}/addChannel" + new AriQuery().Add("channel", string.Join(',', channelIds)), cancellationToken);

    public Task RemoveChannelAsync(string bridgeId, string channelId, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, $"bridges/{Escape(bridgeId)}/removeChannel" + new AriQuery().Add("channel", channelId), cancellationToken);

    public Task DestroyBridgeAsync(string bridgeId, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Delete, "bridges/" + Escape(bridgeId), cancellationToken);

    public void Dispose() => _http.Dispose();

    private static string Escape(string segment) => Uri.EscapeDataString(segment);

    private Task<T> GetAsync<T>(string pathAndQuery, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Get, pathAndQuery, typeInfo, cancellationToken);

    private async Task<T> SendAsync<T>(HttpMethod method, string pathAndQuery, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken, HttpContent? body = null)
    {
        using var response = await SendCoreAsync(method, pathAndQuery, cancellationToken, body).ConfigureAwait(false);
        var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            var value = await JsonSerializer.DeserializeAsync(stream, typeInfo, cancellationToken).ConfigureAwait(false);
            return value ?? throw new AriException(response.StatusCode, "empty response body", method.Method, PathOnly(pathAndQuery));
        }
    }

    private async Task SendAsync(HttpMethod method, string pathAndQuery, CancellationToken cancellationToken)
    {
        using var response = await SendCoreAsync(method, pathAndQuery, cancellationToken).ConfigureAwait(false);
    }

    private async Task<HttpResponseMessage> SendCoreAsync(HttpMethod method, string pathAndQuery, CancellationToken cancellationToken, HttpContent? body = null)
    {
        if (_apiKeyQuery.Length > 0)
        {
            pathAndQuery += (pathAndQuery.Contains('?', StringComparison.Ordinal) ? "&" : "?") + _apiKeyQuery;
        }

        using var request = new HttpRequestMessage(method, pathAndQuery) { Content = body };
        var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        if (response.IsSuccessStatusCode)
        {
            return response;
        }

        using (response)
        {
            var message = await ReadErrorMessageAsync(response, cancellationToken).ConfigureAwait(false);
            throw new AriException(response.StatusCode, message, method.Method, PathOnly(pathAndQuery));
        }
    }

    private static async Task<string> ReadErrorMessageAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        var isJson = response.Content.Headers.ContentType?.MediaType == "application/json";
        if (isJson && text.Length > 0)
        {
            try
            {
                var body = JsonSerializer.Deserialize(text, AriJsonContext.Default.AriErrorBody);
                var message = body?.Message ?? body?.Error;
                if (message is not null)
                {
                    return message;
                }
            }
            catch (JsonException)
            {
                // Not the documented shape: fall through to the raw text so the operator still sees it.
            }
        }

        return text.Length > 200 ? text[..200] : (text.Length == 0 ? response.ReasonPhrase ?? ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture) : text);
    }

    private static string PathOnly(string pathAndQuery)
    {
        var q = pathAndQuery.IndexOf('?', StringComparison.Ordinal);
        return "/" + (q < 0 ? pathAndQuery : pathAndQuery[..q]);
    }
}
