using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using PbxBridge.Sip.Message;

namespace PbxBridge.FreeSwitch.Simulator;

/// <summary>
/// A stand-in FreeSWITCH 1.10 for contract and browser tests, faithful to shared/reference/freeswitch: an inbound
/// event socket on TCP (auth, events, api/bgapi, disconnect notices, ACL rude-rejection), the `pbxbridge` sofia
/// profile on UDP (accepts PbxBridge's INVITEs, calls agent-&lt;id&gt;, BYE/CANCEL/OPTIONS), real PCMU RTP and the
/// CHANNEL_* events. Extensions: 600 echo, 601 1004 Hz tone, 602 rings for ever, 603 busy (486 USER_BUSY),
/// 604 503 NORMAL_TEMPORARY_FAILURE, 605 488 INCOMPATIBLE_DESTINATION, anything else 404 UNALLOCATED_NUMBER.
/// <code>await using var sim = await FreeSwitchSimulator.StartAsync(new FreeSwitchSimulatorOptions());</code>
/// </summary>
public sealed partial class FreeSwitchSimulator : IAsyncDisposable
{
    public const string CoreUuid = "0447ec2f-1e4e-440d-8af4-78860c99f3c9";

    private static readonly Dictionary<string, (int Status, string Phrase, int Q850, string Cause)> Failures = new(StringComparer.Ordinal)
    {
        ["603"] = (486, "Busy Here", 17, "USER_BUSY"),
        ["604"] = (503, "Service Unavailable", 41, "NORMAL_TEMPORARY_FAILURE"),
        ["605"] = (488, "Not Acceptable Here", 88, "INCOMPATIBLE_DESTINATION"),
    };

    private readonly TcpListener _esl;
    private readonly Socket _sip;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<SimulatedEslSession, Task> _sessions = new();
    private readonly ConcurrentDictionary<string, SimulatedSipCall> _calls = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _holdCommands = new();
    private readonly ConcurrentQueue<string> _reInvites = new();

    // Transfer targets originated with &park(), by origination_uuid: their extension.
    private readonly ConcurrentDictionary<string, string> _parked = new(StringComparer.Ordinal);
    private Task _acceptLoop = Task.CompletedTask;
    private Task _sipLoop = Task.CompletedTask;

    private FreeSwitchSimulator(FreeSwitchSimulatorOptions options)
    {
        Options = options;
        _esl = new TcpListener(IPAddress.Loopback, options.EslPort);
        _sip = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
    }

    public FreeSwitchSimulatorOptions Options { get; }

    public IPEndPoint EslEndPoint => (IPEndPoint)_esl.LocalEndpoint;

    /// <summary>The pbxbridge profile (what Pbx:FreeSwitch:SipAddress points at).</summary>
    public IPEndPoint SipEndPoint => (IPEndPoint)_sip.LocalEndPoint!;

    /// <summary>
    /// Every `uuid_hold` api command so far, in order, as FreeSWITCH receives it ("uuid_hold UUID", "uuid_hold off
    /// UUID"): a hold then a resume leaves both in the record.
    /// </summary>
    public IReadOnlyList<string> HoldCommands => [.. _holdCommands];

    /// <summary>
    /// PbxBridge's re-INVITEs so far, in order, as "UUID DIRECTION" (the offer's a= direction, e.g. "UUID sendonly"
    /// for a hold as a phone sends it, "UUID sendrecv" for the resume). sofia answers them as RFC 3264 §6.1 says, and
    /// a sendonly or inactive offer puts the channel on hold.
    /// </summary>
    public IReadOnlyList<string> ReInvites => [.. _reInvites];

    /// <summary>Event-socket connections currently open.</summary>
    public int EslConnections => _sessions.Count;

    /// <summary>All channels so far, newest last.</summary>
    public IReadOnlyList<SimulatedChannel> Channels => [.. _calls.Values.Select(c => c.Channel).OrderBy(c => c.UniqueId, StringComparer.Ordinal)];

    public static Task<FreeSwitchSimulator> StartAsync(FreeSwitchSimulatorOptions? options = null)
    {
        var simulator = new FreeSwitchSimulator(options ?? new FreeSwitchSimulatorOptions());
        simulator._esl.Start();
        simulator._sip.Bind(new IPEndPoint(IPAddress.Loopback, simulator.Options.SipPort));
        simulator._acceptLoop = Task.Run(simulator.AcceptLoopAsync);
        simulator._sipLoop = Task.Run(simulator.SipLoopAsync);
        return Task.FromResult(simulator);
    }

    /// <summary>The channel PbxBridge created by calling <paramref name="destination"/> (waits for it to appear).</summary>
    public async Task<SimulatedChannel> WaitForCallToAsync(string destination, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            var call = _calls.Values.FirstOrDefault(c => !c.FreeSwitchIsUac && c.InviteRequestUri.StartsWith("sip:" + destination + "@", StringComparison.Ordinal));
            if (call is not null)
            {
                return call.Channel;
            }

            await Task.Delay(20).ConfigureAwait(false);
        }

        throw new TimeoutException($"no call to {destination} arrived");
    }

    /// <summary>
    /// The PBX calls browser agent <paramref name="agentId"/> as the shipped dialplan does
    /// (bridge sofia/pbxbridge/agent-&lt;id&gt;@pbxbridge_sip), the caller playing <paramref name="media"/>.
    /// With <paramref name="bridgedFrom"/> (an agent's own call, which from-pbxbridge bridges to another agent) the new
    /// leg inherits that channel's X- headers, as mod_sofia copies sip_h_X-* to the legs a channel bridges to (seen
    /// on the real one: the leg toward agent 1002 carried the caller's X-PbxBridge-Call-Id); the dial string's
    /// sip_h_X-PbxBridge-Agent replaces the caller's.
    /// </summary>
    /// <remarks><paramref name="callerName"/> (Caller-Caller-ID-Name) goes verbatim between the quotes of the From display name.</remarks>
    public async Task<SimulatedAgentCall> CallAgentAsync(string agentId, string callerNumber = "601", SimulatedMedia media = SimulatedMedia.Tone, SimulatedChannel? bridgedFrom = null, string? callerName = null)
    {
        var pbx = Options.PbxBridgeSip;
        var rtp = new SimulatedRtpStream(media);
        var channel = new SimulatedChannel("outbound", $"sofia/pbxbridge/agent-{agentId}@{pbx}", Guid.NewGuid().ToString(), rtp);
        foreach (var inherited in bridgedFrom?.XHeaders ?? [])
        {
            channel.XHeaders[inherited.Key] = inherited.Value;
        }

        channel.XHeaders["X-PbxBridge-Agent"] = agentId;
        var call = new SimulatedSipCall(channel, pbx, freeSwitchIsUac: true)
        {
            RemoteTarget = $"sip:agent-{agentId}@{pbx}",
            InviteRequestUri = $"sip:agent-{agentId}@{pbx}",
        };
        call.LocalHeader = (callerName is null ? string.Empty : $"\"{callerName}\" ") + $"<sip:{callerNumber}@{SipEndPoint.Address}>;tag={call.LocalTag}";
        call.RemoteHeader = $"<sip:agent-{agentId}@{pbx}>";
        call.InviteVia = $"SIP/2.0/UDP {SipEndPoint};rport;branch={SimulatedSipCall.NewBranch()}";
        call.InviteCSeq = $"{call.NextCSeq()} INVITE";
        _calls[channel.SipCallId] = call;
        await PublishAsync(ChannelEvent("CHANNEL_CREATE", channel, "CS_INIT", "DOWN", "ringing")).ConfigureAwait(false);
        var invite = SimulatedSipCall.Message($"INVITE {call.InviteRequestUri} SIP/2.0", [
            $"Via: {call.InviteVia}",
            "Max-Forwards: 70",
            $"From: {call.LocalHeader}",
            $"To: {call.RemoteHeader}",
            $"Call-ID: {channel.SipCallId}",
            $"CSeq: {call.InviteCSeq}",
            $"Contact: <sip:mod_sofia@{SipEndPoint}>",
            $"User-Agent: {SimulatedSipCall.UserAgent}",
            $"Allow: {SimulatedSipCall.Allow}",
            "Supported: path, replaces",
            "Allow-Events: talk, hold, conference, refer",
            "Content-Disposition: session",
            .. channel.XHeaders.Select(h => $"{h.Key}: {h.Value}"),
            "X-FS-Support: update_display,send_info",
            $"Remote-Party-ID: <sip:{callerNumber}@{SipEndPoint.Address}>;party=calling;screen=yes;privacy=off",
        ], SimulatedSipCall.Sdp(rtp.LocalEndPoint));
        await SendAsync(invite, pbx).ConfigureAwait(false);
        return new SimulatedAgentCall(this, call);
    }

    /// <summary>
    /// The far party (the bridged B-leg) presses a digit: FreeSWITCH reports a DTMF event on that leg (transcript 09's
    /// headers) and relays the digit to PbxBridge's leg as RFC 2833.
    /// </summary>
    public Task PressDigitAsync(SimulatedChannel channel, char digit, int durationSamples = 800)
    {
        ArgumentNullException.ThrowIfNull(channel);
        // FreeSWITCH passes the far party's digit across the bridge as RFC 2833 on our leg (and reports a DTMF event
        // on the far party's channel, which PbxBridge does not subscribe to).
        channel.Rtp.SendDigits(digit.ToString(), durationSamples);
        var e = new SimulatedEvent("DTMF", channel.PartnerUniqueId)
            .Add("Channel-Name", "loopback/far-party-a")
            .Add("DTMF-Digit", digit.ToString())
            .Add("DTMF-Duration", durationSamples.ToString(CultureInfo.InvariantCulture))
            .Add("DTMF-Source", "RTP");
        return PublishAsync(e);
    }

    /// <summary>Cuts every event-socket connection without a disconnect-notice, as a network failure would.</summary>
    public async Task DropEslConnectionsAsync()
    {
        foreach (var session in _sessions.Keys)
        {
            await session.DisposeAsync().ConfigureAwait(false);
        }
    }

    public SimulatedChannel? FindChannel(string uuid) =>
        _calls.Values.Select(c => c.Channel).FirstOrDefault(c => c.UniqueId == uuid && c.IsUp);

    /// <summary>The PBX side hangs up: BYE (or CANCEL before answer) with a Q.850 Reason, then UNBRIDGE and HANGUP_COMPLETE.</summary>
    public async Task HangupChannelAsync(SimulatedChannel channel, string cause = "NORMAL_CLEARING")
    {
        ArgumentNullException.ThrowIfNull(channel);
        var call = _calls[channel.SipCallId];
        if (call.Ended)
        {
            return;
        }

        call.Ended = true;
        var reason = $"Reason: Q.850;cause={Q850(cause).ToString(CultureInfo.InvariantCulture)};text=\"{cause}\"";
        if (call.Answered)
        {
            await SendAsync(call.Request("BYE", SipEndPoint, [reason]), call.Remote).ConfigureAwait(false);
        }
        else if (call.FreeSwitchIsUac)
        {
            var cancel = SimulatedSipCall.Message($"CANCEL {call.InviteRequestUri} SIP/2.0", [
                $"Via: {call.InviteVia}", "Max-Forwards: 70", $"From: {call.LocalHeader}", $"To: <{call.InviteRequestUri}>",
                $"Call-ID: {channel.SipCallId}", $"CSeq: {call.InviteCSeq.Split(' ')[0]} CANCEL", reason,
            ], null);
            await SendAsync(cancel, call.Remote).ConfigureAwait(false);
        }
        else
        {
            var (status, phrase) = cause == "USER_BUSY" ? (486, "Busy Here") : (480, "Temporarily Unavailable");
            call.LastResponse = Response(call, status, phrase, [reason], null);
            await SendAsync(call.LastResponse, call.Remote).ConfigureAwait(false);
        }

        await EndChannelAsync(call, cause).ConfigureAwait(false);
    }

    /// <summary>Transfer targets originated and parked, not yet bridged or killed.</summary>
    public int ParkedTargets => _parked.Count;

    private static string? OriginationUuid(string dialString)
    {
        const string key = "origination_uuid=";
        var at = dialString.IndexOf(key, StringComparison.Ordinal);
        return at < 0 ? null : dialString[(at + key.Length)..].Split(',', '}')[0];
    }

    /// <summary>An `api` command's output, as mod_commands answers it.</summary>
    public async Task<string> ExecuteApiAsync(string command)
    {
        ArgumentNullException.ThrowIfNull(command);
        var args = command.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (args.Length == 0)
        {
            return "-ERR no command\n";
        }

        SimulatedChannel? Find(int index) => args.Length > index ? FindChannel(args[index]) : null;
        SimulatedChannel? ByPartner(string uuid) => _calls.Values.Select(c => c.Channel).FirstOrDefault(c => c.PartnerUniqueId == uuid && c.IsUp);
        switch (args[0])
        {
            case "status":
                return RecordedResponses.Status;
            case "show" when command == "show channels as json":
                var live = _calls.Values.Where(c => c.Channel.IsUp).Select(c => c.Channel).ToList();
                if (live.Count == 0)
                {
                    return "{\"row_count\": 0}\n";
                }

                var rows = live.Select(c => new Dictionary<string, string>
                {
                    ["uuid"] = c.UniqueId,
                    ["direction"] = c.Direction,
                    ["name"] = c.ChannelName,
                    ["state"] = "CS_EXECUTE",
                    ["callstate"] = "ACTIVE",
                });
                return JsonSerializer.Serialize(new { row_count = live.Count, rows }) + "\n";
            case "uuid_exists":
                return Find(1) is null ? "false" : "true";
            case "uuid_getvar" when args.Length == 3:
                return (Find(1), args[2]) switch
                {
                    ({ } withVar, "sip_call_id") => withVar.SipCallId,
                    ({ SipNetwork: { } network }, "sip_network_ip") => network.Address.ToString(),
                    ({ SipNetwork: { } network }, "sip_network_port") => network.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    _ => "_undef_",
                };
            case "uuid_kill" when args.Length > 1 && _parked.TryRemove(args[1], out _):
                return "+OK\n";
            case "uuid_kill":
                if (Find(1) is not { } killed)
                {
                    return "-ERR No such channel!\n";
                }

                await HangupChannelAsync(killed, args.Length > 2 ? args[2] : "NORMAL_CLEARING").ConfigureAwait(false);
                return "+OK\n";
            case "uuid_send_dtmf" when args.Length == 3:
                if (ByPartner(args[1]) is { } toPartner)
                {
                    foreach (var digit in args[2].Split('@')[0])
                    {
                        toPartner.AddEslDtmf(digit);
                    }

                    return $"+OK {args[1]} sent DTMF {args[2]}.\n";
                }

                if (Find(1) is not { } toUs)
                {
                    return "-ERR no such channel\n";
                }

                // On a pbxbridge channel itself: RFC 2833 in its RTP toward PbxBridge, as the real one sends.
                toUs.Rtp.SendDigits(args[2].Split('@')[0], DtmfSamples(args[2]));
                return $"+OK {args[1]} sent DTMF {args[2]}.\n";
            case "uuid_recv_dtmf" when args.Length == 3:
                if (Find(1) is not { } receiving)
                {
                    return "-ERR no such channel\n";
                }

                foreach (var digit in args[2].Split('@')[0])
                {
                    receiving.AddEslDtmf(digit);
                }

                return "+OK\n";
            case "uuid_hold":
                _holdCommands.Enqueue(command.Trim());
                var off = args.Length > 1 && args[1] == "off";
                if (Find(off ? 2 : 1) is not { } holding)
                {
                    return "-ERR Operation failed\n";
                }

                holding.OnHold = !off;
                return "+OK Success\n";
            case "originate" when args.Length >= 3 && command.Contains("loopback/", StringComparison.Ordinal):
                // A transfer target, as PbxBridge originates it: `originate {origination_uuid=U,...}loopback/DEST/CTX &park()`.
                // Answered extensions reply "+OK U" once up; the others as a real originate fails: "-ERR CAUSE".
                var loopback = args[1][(args[1].IndexOf("loopback/", StringComparison.Ordinal) + 9)..];
                var dialed = loopback.Split('/')[0];
                var uuid = OriginationUuid(args[1]) ?? Guid.NewGuid().ToString();
                if (Failures.TryGetValue(dialed, out var refused) || dialed is not ("600" or "601"))
                {
                    return "-ERR " + (refused == default ? "UNALLOCATED_NUMBER" : refused.Cause) + "\n";
                }

                _parked[uuid] = dialed;
                return "+OK " + uuid + "\n";
            case "uuid_bridge" when args.Length == 3:
                // The far party of one of our legs with a parked target (blind) or with the far party of another of our
                // legs (attended). As on the real one, a leg of ours that loses its partner this way is hung up.
                var losing = ByPartner(args[1]);
                var other = ByPartner(args[2]);
                var parkedTarget = _parked.TryRemove(args[2], out var parkedDest) ? parkedDest : null;
                if (losing is null || (parkedTarget is null && other is null))
                {
                    return "-ERR Invalid uuid\n";
                }

                losing.TransferredTo = parkedTarget ?? other!.ChannelName;
                foreach (var orphan in new[] { losing, other }.OfType<SimulatedChannel>())
                {
                    _ = Task.Delay(100).ContinueWith(_ => HangupChannelAsync(orphan, "NORMAL_CLEARING"), TaskScheduler.Default);
                }

                return "+OK\n";
            case "uuid_transfer" when args.Length >= 3:
                var target = Find(1) ?? ByPartner(args[1]);
                if (target is null)
                {
                    return "-ERR No such channel!\n";
                }

                var destination = args[2] == "-bleg" && args.Length > 3 ? args[3] : args[2];
                target.TransferredTo = destination;

                // The far party leaves the bridge; hangup_after_bridge=true then ends PbxBridge's leg.
                _ = Task.Delay(100).ContinueWith(_ => HangupChannelAsync(target, "NORMAL_CLEARING"), TaskScheduler.Default);
                return "+OK\n";
            case "hash" when Options.HashLoaded:
                return Hash(command);
            case "callcenter_config" when Options.CallcenterLoaded:
                return Callcenter(command);
            // Recorded with the profile on 127.0.0.1:5080; the real one prints the address it listens on.
            case "sofia" when command == "sofia status":
                return Options.ProfileRunning ? AtOurSipAddress(RecordedResponses.SofiaStatus) : RecordedResponses.SofiaStatusWithoutProfile;
            case "sofia" when command == "sofia status profile pbxbridge":
                return Options.ProfileRunning ? AtOurSipAddress(RecordedResponses.SofiaStatusProfile) : "Invalid Profile!\n";
            default:
                return $"-ERR {args[0]} Command not found!\n";
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _esl.Stop();
        _sip.Dispose();
        foreach (var session in _sessions.Keys)
        {
            await session.DisposeAsync().ConfigureAwait(false);
        }

        foreach (var call in _calls.Values)
        {
            await call.Channel.Rtp.DisposeAsync().ConfigureAwait(false);
        }

        await Task.WhenAll(_acceptLoop, _sipLoop).ConfigureAwait(false);
        _stop.Dispose();
    }

    internal void Remove(SimulatedEslSession session) => _sessions.TryRemove(session, out _);

    internal async Task PublishAsync(SimulatedEvent e)
    {
        foreach (var session in _sessions.Keys)
        {
            await session.PublishAsync(e).ConfigureAwait(false);
        }
    }

    internal Task SendAsync(byte[] datagram, IPEndPoint remote) =>
        _sip.SendToAsync(datagram, SocketFlags.None, remote).ContinueWith(_ => { }, TaskScheduler.Default);

    internal async Task EndChannelAsync(SimulatedSipCall call, string cause)
    {
        call.Ended = true;
        if (!call.Channel.MarkHungUp(cause))
        {
            return;
        }

        await call.Channel.Rtp.DisposeAsync().ConfigureAwait(false);
        if (call.Answered)
        {
            await PublishAsync(ChannelEvent("CHANNEL_UNBRIDGE", call.Channel, "CS_EXECUTE", "ACTIVE", "answered")
                .Add("Bridge-A-Unique-ID", call.Channel.UniqueId).Add("Bridge-B-Unique-ID", call.Channel.PartnerUniqueId)).ConfigureAwait(false);
        }

        await PublishAsync(ChannelEvent("CHANNEL_HANGUP_COMPLETE", call.Channel, "CS_REPORTING", "HANGUP", "hangup")
            .Add("Hangup-Cause", cause)
            .Add("variable_rtp_audio_in_packet_count", call.Channel.Rtp.PacketsReceived.ToString(CultureInfo.InvariantCulture))).ConfigureAwait(false);
    }

    internal async Task OnAgentAnsweredAsync(SimulatedSipCall call, SipResponse ok)
    {
        call.RemoteHeader = ok.Headers.Get(SipHeaderNames.To) ?? call.RemoteHeader;
        call.RemoteTarget = ok.Contacts.FirstOrDefault()?.UriText ?? call.RemoteTarget;
        await SendAck(call, ok, SimulatedSipCall.NewBranch()).ConfigureAwait(false);
        if (call.Answered)
        {
            return;
        }

        call.Answered = true;
        StartMedia(call, ok.BodyText);
        await PublishAsync(ChannelEvent("CHANNEL_ANSWER", call.Channel, "CS_CONSUME_MEDIA", "ACTIVE", "answered")).ConfigureAwait(false);
        await PublishAsync(BridgeEvent(call.Channel)).ConfigureAwait(false);
    }

    internal static int Q850(string cause) => cause switch
    {
        "UNALLOCATED_NUMBER" => 1,
        "USER_BUSY" => 17,
        "NO_USER_RESPONSE" => 18,
        "NO_ANSWER" => 19,
        "SUBSCRIBER_ABSENT" => 20,
        "CALL_REJECTED" => 21,
        "NORMAL_TEMPORARY_FAILURE" => 41,
        "INCOMPATIBLE_DESTINATION" => 88,
        "ORIGINATOR_CANCEL" => 487,
        _ => 16,
    };

    private string AtOurSipAddress(string recorded) => recorded.Replace("127.0.0.1:5080", SipEndPoint.ToString(), StringComparison.Ordinal);

    /// <summary>The duration of "digits@ms" in 8 kHz samples; FreeSWITCH's default without one is 2080 (recorded).</summary>
    private static int DtmfSamples(string digitsAndDuration)
    {
        var at = digitsAndDuration.IndexOf('@', StringComparison.Ordinal);
        return at > 0 && int.TryParse(digitsAndDuration.AsSpan(at + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var ms) ? ms * 8 : 2080;
    }

    private static SimulatedEvent ChannelEvent(string name, SimulatedChannel channel, string state, string callState, string answerState)
    {
        var e = new SimulatedEvent(name)
            .Add("Channel-State", state)
            .Add("Channel-Call-State", callState)
            .Add("Channel-Name", channel.ChannelName)
            .Add("Unique-ID", channel.UniqueId)
            .Add("Call-Direction", channel.Direction)
            .Add("Answer-State", answerState)
            .Add("Caller-Context", channel.Direction == "inbound" ? "from-pbxbridge" : "default")
            .Add("Caller-Caller-ID-Number", channel.CallerIdNumber)
            .Add("Caller-Caller-ID-Name", channel.CallerIdName)
            .Add("variable_sip_profile_name", "pbxbridge")
            .Add("variable_sip_call_id", channel.SipCallId);
        foreach (var header in channel.XHeaders)
        {
            e.Add("variable_sip_h_" + header.Key, header.Value);
        }

        return e;
    }

    private static SimulatedEvent BridgeEvent(SimulatedChannel channel) =>
        ChannelEvent("CHANNEL_BRIDGE", channel, "CS_EXCHANGE_MEDIA", "ACTIVE", "answered")
            .Add("Bridge-A-Unique-ID", channel.Direction == "inbound" ? channel.UniqueId : channel.PartnerUniqueId)
            .Add("Bridge-B-Unique-ID", channel.Direction == "inbound" ? channel.PartnerUniqueId : channel.UniqueId)
            .Add("Other-Leg-Unique-ID", channel.PartnerUniqueId);

    private static byte[] Response(SimulatedSipCall call, int status, string phrase, IEnumerable<string> extra, string? sdp, SipRequest? request = null)
    {
        var headers = new List<string>
        {
            $"Via: {call.InviteVia}",
            $"From: {call.RemoteHeader}",
            $"To: {(status == 100 ? call.LocalHeader.Split(";tag=")[0] : call.LocalHeader)}",
            $"Call-ID: {call.Channel.SipCallId}",
            $"CSeq: {request?.Headers.Get(SipHeaderNames.CSeq) ?? call.InviteCSeq}",
        };
        if (status is > 100 and < 300)
        {
            headers.Add($"Contact: <{call.InviteRequestUri};transport=udp>");
        }

        headers.Add($"User-Agent: {SimulatedSipCall.UserAgent}");
        if (status >= 200)
        {
            headers.Add("Accept: application/sdp");
            headers.Add($"Allow: {SimulatedSipCall.Allow}");
            headers.Add("Supported: path, replaces");
        }

        headers.AddRange(extra);
        return SimulatedSipCall.Message($"SIP/2.0 {status.ToString(CultureInfo.InvariantCulture)} {phrase}", headers, sdp);
    }

    private static string ViaWithRport(string via, IPEndPoint remote) =>
        via.Contains(";rport", StringComparison.Ordinal) && !via.Contains(";rport=", StringComparison.Ordinal)
            ? via.Replace(";rport", ";rport=" + remote.Port.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
            : via;

    private void StartMedia(SimulatedSipCall call, string sdp)
    {
        IPAddress? address = null;
        var port = 0;
        foreach (var line in sdp.Split('\n'))
        {
            var l = line.TrimEnd('\r');
            if (l.StartsWith("c=IN IP4 ", StringComparison.Ordinal))
            {
                address = IPAddress.Parse(l[9..].Trim());
            }
            else if (l.StartsWith("m=audio ", StringComparison.Ordinal))
            {
                port = int.Parse(l.Split(' ')[1], CultureInfo.InvariantCulture);
            }
        }

        if (address is not null && port > 0)
        {
            call.Channel.RemoteRtp = new IPEndPoint(address, port);
            var channel = call.Channel;

            // RFC 2833 from PbxBridge becomes a DTMF event on PbxBridge's channel, as in transcript 09.
            channel.Rtp.DigitReceived = digit => _ = PublishAsync(new SimulatedEvent("DTMF", channel.UniqueId)
                .Add("Channel-Name", channel.ChannelName)
                .Add("DTMF-Digit", digit.ToString())
                .Add("DTMF-Duration", "800")
                .Add("DTMF-Source", "RTP"));
            channel.Rtp.Start(channel.RemoteRtp);
        }
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _esl.AcceptTcpClientAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            var session = new SimulatedEslSession(this, client);
            _sessions[session] = session.RunAsync(_stop.Token);
        }
    }

    private async Task SipLoopAsync()
    {
        var buffer = new byte[65535];
        EndPoint any = new IPEndPoint(IPAddress.Any, 0);
        while (!_stop.IsCancellationRequested)
        {
            SocketReceiveFromResult received;
            try
            {
                received = await _sip.ReceiveFromAsync(buffer, SocketFlags.None, any, _stop.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
            catch (SocketException)
            {
                continue;
            }

            var parsed = SipParser.Parse(buffer.AsSpan(0, received.ReceivedBytes));
            if (!parsed.Success)
            {
                continue;
            }

            var remote = (IPEndPoint)received.RemoteEndPoint;
            try
            {
                switch (parsed.Message)
                {
                    case SipRequest request:
                        await OnRequestAsync(request, remote).ConfigureAwait(false);
                        break;
                    case SipResponse response:
                        await OnResponseAsync(response).ConfigureAwait(false);
                        break;
                    default:
                        break;
                }
            }
            catch (Exception e) when (e is InvalidOperationException or FormatException or KeyNotFoundException or ArgumentException)
            {
                // A stand-in PBX answers what it understands and drops the rest, like a real one.
            }
        }
    }

    private async Task OnRequestAsync(SipRequest request, IPEndPoint remote)
    {
        var callId = request.CallId ?? string.Empty;
        _calls.TryGetValue(callId, out var call);
        switch (request.Method)
        {
            case SipMethod.Invite when call is null:
                await OnNewInviteAsync(request, remote).ConfigureAwait(false);
                break;
            case SipMethod.Invite when call is not null && request.To?.Tag is null:
                if (call.LastResponse is { } last)
                {
                    await SendAsync(last, remote).ConfigureAwait(false);
                }

                break;
            case SipMethod.Invite when call is not null:
                var offered = OfferedDirection(request.BodyText);
                _reInvites.Enqueue($"{call.Channel.UniqueId} {offered}");
                call.Channel.OnHold = offered is "sendonly" or "inactive";
                var answered = offered switch { "sendonly" => "a=recvonly\r\n", "inactive" => "a=inactive\r\n", "recvonly" => "a=sendonly\r\n", _ => string.Empty };
                var reOk = Response(call, 200, "OK", [], SimulatedSipCall.Sdp(call.Channel.Rtp.LocalEndPoint) + answered, request);
                await SendAsync(ReplyTo(request, reOk), remote).ConfigureAwait(false);
                break;
            case SipMethod.Ack:
                break;
            case SipMethod.Bye when call is not null:
                await SendAsync(Ok(request), remote).ConfigureAwait(false);
                var cause = request.Headers.Get(SipHeaderNames.Reason) is { } reason && reason.Contains("text=\"", StringComparison.Ordinal)
                    ? reason.Split("text=\"")[1].TrimEnd('"')
                    : "NORMAL_CLEARING";
                await EndChannelAsync(call, cause).ConfigureAwait(false);
                break;
            case SipMethod.Cancel when call is not null:
                await SendAsync(Ok(request), remote).ConfigureAwait(false);
                if (!call.Answered && !call.Ended)
                {
                    call.Ended = true;
                    call.LastResponse = Response(call, 487, "Request Terminated", [], null);
                    await SendAsync(call.LastResponse, remote).ConfigureAwait(false);
                    await EndChannelAsync(call, "ORIGINATOR_CANCEL").ConfigureAwait(false);
                }

                break;
            case SipMethod.Options:
                await SendAsync(Ok(request), remote).ConfigureAwait(false);
                break;
            default:
                await SendAsync(SimulatedSipCall.Message("SIP/2.0 481 Call Does Not Exist", Echo(request), null), remote).ConfigureAwait(false);
                break;
        }
    }

    /// <summary>The a= direction of an SDP offer (RFC 3264 §5.1: sendrecv when none is given).</summary>
    private static string OfferedDirection(string? sdp) =>
        (sdp ?? string.Empty).Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l is "a=sendonly" or "a=recvonly" or "a=inactive" or "a=sendrecv")?[2..] ?? "sendrecv";

    private async Task OnNewInviteAsync(SipRequest invite, IPEndPoint remote)
    {
        var destination = invite.RequestSipUri?.User ?? string.Empty;
        var from = invite.From;
        var rtp = new SimulatedRtpStream(destination == "600" ? SimulatedMedia.Echo : destination == "601" ? SimulatedMedia.Tone : SimulatedMedia.Silence);
        var channel = new SimulatedChannel("inbound", $"sofia/pbxbridge/{from?.Uri?.User}@{remote}", invite.CallId!, rtp)
        {
            CallerIdNumber = from?.Uri?.User ?? string.Empty,
            CallerIdName = from?.DisplayName?.Trim('"') ?? string.Empty,
            SipNetwork = remote,
        };
        foreach (var field in invite.Headers.Fields.Where(f => f.Name.StartsWith("X-", StringComparison.OrdinalIgnoreCase)))
        {
            channel.XHeaders[field.Name] = field.Value;
        }

        var call = new SimulatedSipCall(channel, remote, freeSwitchIsUac: false)
        {
            InviteVia = ViaWithRport(invite.Headers.Get(SipHeaderNames.Via)!, remote),
            InviteCSeq = invite.Headers.Get(SipHeaderNames.CSeq)!,
            InviteRequestUri = invite.RequestUri,
            RemoteHeader = invite.Headers.Get(SipHeaderNames.From)!,
            RemoteTarget = invite.Contacts.FirstOrDefault()?.UriText ?? $"sip:{remote}",
        };
        call.LocalHeader = invite.Headers.Get(SipHeaderNames.To)! + ";tag=" + call.LocalTag;
        _calls[channel.SipCallId] = call;

        call.LastResponse = Response(call, 100, "Trying", [], null);
        await SendAsync(call.LastResponse, remote).ConfigureAwait(false);
        await PublishAsync(ChannelEvent("CHANNEL_CREATE", channel, "CS_INIT", "DOWN", "ringing")).ConfigureAwait(false);

        if (Failures.TryGetValue(destination, out var failure) || destination is not ("600" or "601" or "602"))
        {
            if (failure == default)
            {
                failure = (404, "Not Found", 1, "UNALLOCATED_NUMBER");
            }

            call.Ended = true;
            call.LastResponse = Response(call, failure.Status, failure.Phrase, [$"Reason: Q.850;cause={failure.Q850.ToString(CultureInfo.InvariantCulture)};text=\"{failure.Cause}\""], null);
            await SendAsync(call.LastResponse, remote).ConfigureAwait(false);
            await EndChannelAsync(call, failure.Cause).ConfigureAwait(false);
            return;
        }

        call.LastResponse = Response(call, 180, "Ringing", [], null);
        await SendAsync(call.LastResponse, remote).ConfigureAwait(false);
        await PublishAsync(ChannelEvent("CHANNEL_PROGRESS", channel, "CS_ROUTING", "EARLY", "early")).ConfigureAwait(false);
        if (destination == "602")
        {
            return;
        }

        await Task.Delay(Options.AnswerDelay).ConfigureAwait(false);
        if (call.Ended)
        {
            return;
        }

        call.Answered = true;
        call.LastResponse = Response(call, 200, "OK", [], SimulatedSipCall.Sdp(rtp.LocalEndPoint));
        StartMedia(call, invite.BodyText);
        await SendAsync(call.LastResponse, remote).ConfigureAwait(false);
        await PublishAsync(ChannelEvent("CHANNEL_ANSWER", channel, "CS_EXECUTE", "ACTIVE", "answered")).ConfigureAwait(false);
        await PublishAsync(BridgeEvent(channel)).ConfigureAwait(false);
    }

    private async Task OnResponseAsync(SipResponse response)
    {
        if (response.CallId is not { } callId || !_calls.TryGetValue(callId, out var call) || !call.FreeSwitchIsUac)
        {
            return;
        }

        if (response.CSeq?.Method != SipMethod.Invite)
        {
            return;
        }

        if (response.StatusCode == 180)
        {
            await PublishAsync(ChannelEvent("CHANNEL_PROGRESS", call.Channel, "CS_CONSUME_MEDIA", "DOWN", "ringing")).ConfigureAwait(false);
        }
        else if (response.IsSuccess)
        {
            await OnAgentAnsweredAsync(call, response).ConfigureAwait(false);
            call.Final.TrySetResult(response.StatusCode);
        }
        else if (response.StatusCode >= 300)
        {
            await SendAck(call, response, call.InviteVia.Split("branch=")[1]).ConfigureAwait(false);
            var cause = response.Headers.Get(SipHeaderNames.Reason) is { } reason && reason.Contains("text=\"", StringComparison.Ordinal)
                ? reason.Split("text=\"")[1].TrimEnd('"')
                : response.StatusCode switch { 480 => "NO_USER_RESPONSE", 486 => "USER_BUSY", 487 => "ORIGINATOR_CANCEL", 603 => "CALL_REJECTED", _ => "NORMAL_TEMPORARY_FAILURE" };
            await EndChannelAsync(call, cause).ConfigureAwait(false);
            call.Final.TrySetResult(response.StatusCode);
        }
    }

    private Task SendAck(SimulatedSipCall call, SipResponse response, string branch)
    {
        var requestUri = response.IsSuccess ? call.RemoteTarget : call.InviteRequestUri;
        var ack = SimulatedSipCall.Message($"ACK {requestUri} SIP/2.0", [
            $"Via: SIP/2.0/UDP {SipEndPoint};rport;branch={branch}",
            "Max-Forwards: 70",
            $"From: {call.LocalHeader}",
            $"To: {response.Headers.Get(SipHeaderNames.To)}",
            $"Call-ID: {call.Channel.SipCallId}",
            $"CSeq: {call.InviteCSeq.Split(' ')[0]} ACK",
            $"Contact: <sip:mod_sofia@{SipEndPoint}>",
        ], null);
        return SendAsync(ack, call.Remote);
    }

    private static List<string> Echo(SipRequest request)
    {
        var headers = request.Headers.GetFieldValues(SipHeaderNames.Via).Select(v => "Via: " + v).ToList();
        headers.Add("From: " + request.Headers.Get(SipHeaderNames.From));
        headers.Add("To: " + request.Headers.Get(SipHeaderNames.To));
        headers.Add("Call-ID: " + request.CallId);
        headers.Add("CSeq: " + request.Headers.Get(SipHeaderNames.CSeq));
        headers.Add("User-Agent: " + SimulatedSipCall.UserAgent);
        return headers;
    }

    private static byte[] Ok(SipRequest request)
    {
        var headers = Echo(request);
        headers.Add("Allow: " + SimulatedSipCall.Allow);
        headers.Add("Supported: path, replaces");
        return SimulatedSipCall.Message("SIP/2.0 200 OK", headers, null);
    }

    private static byte[] ReplyTo(SipRequest request, byte[] template)
    {
        // Re-INVITE answers keep the request's Via and CSeq (the template carries the dialog's headers and SDP).
        var text = Encoding.UTF8.GetString(template);
        var via = request.Headers.Get(SipHeaderNames.Via)!;
        var lines = text.Split("\r\n").ToList();
        var index = lines.FindIndex(l => l.StartsWith("Via: ", StringComparison.Ordinal));
        lines[index] = "Via: " + via;
        return Encoding.UTF8.GetBytes(string.Join("\r\n", lines));
    }
}
