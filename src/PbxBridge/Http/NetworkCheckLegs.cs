using Microsoft.Extensions.Logging;
using PbxBridge.Calls.Media;
using PbxBridge.WebRtc;

namespace PbxBridge.Http;

/// <summary>
/// The throwaway browser legs of /phone's network check: each is a real <see cref="WebRtcEndpoint"/> (the same ICE-lite
/// agent, UDP port range or single UDP port and ICE-TCP candidates a call gets, so what the check finds is what a call will find), with
/// no PBX behind it and nothing sent. A leg lives <see cref="Lifetime"/> at most; an agent has one at a time (a new
/// check replaces its old one) and the process at most <see cref="MaxLegs"/>, so the check cannot eat the port range.
/// </summary>
public sealed class NetworkCheckLegs : IAsyncDisposable
{
    /// <summary>Long enough for Chromium to try UDP, ICE-TCP and a TURN relay (its checks pace at 50 ms per pair).</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(20);

    public const int MaxLegs = 16;

    private readonly BrowserLegMedia browserLegs;
    private readonly MediaLoopPool mediaLoops;
    private readonly ILogger logger;
    private readonly Lock gate = new();
    private readonly Dictionary<string, Leg> byAgent = new(StringComparer.Ordinal);
    private bool disposed;

    public NetworkCheckLegs(BrowserLegMedia browserLegs, MediaLoopPool mediaLoops, ILogger<NetworkCheckLegs> logger)
    {
        this.browserLegs = browserLegs;
        this.mediaLoops = mediaLoops;
        this.logger = logger;
    }

    public int Count
    {
        get
        {
            lock (gate)
            {
                return byAgent.Count;
            }
        }
    }

    /// <summary>Answers the check's offer, or says why not (<see cref="NetworkCheckAnswer.Busy"/>: try again later).</summary>
    public async Task<NetworkCheckAnswer> AnswerAsync(string agentId, string offerSdp)
    {
        Leg? replaced;
        lock (gate)
        {
            byAgent.TryGetValue(agentId, out replaced);
            if (disposed || (replaced is null && byAgent.Count >= MaxLegs))
            {
                return NetworkCheckAnswer.Busy("too many network checks at once");
            }

            byAgent.Remove(agentId);
        }

        if (replaced is not null)
        {
            await replaced.DisposeAsync().ConfigureAwait(false);
        }

        var leg = new Leg(this, agentId);
        WebRtcEndpoint endpoint;
        try
        {
            endpoint = browserLegs.Open(mediaLoops.NextLoop(), leg, logger);
        }
        catch (InvalidOperationException e)
        {
            return NetworkCheckAnswer.Busy(e.Message);
        }

        var result = endpoint.AcceptOffer(offerSdp);
        if (!result.Succeeded)
        {
            await endpoint.DisposeAsync().ConfigureAwait(false);
            return NetworkCheckAnswer.Refused(result.FailureReason ?? "the offer cannot be served");
        }

        leg.Attach(endpoint);
        lock (gate)
        {
            if (disposed || byAgent.ContainsKey(agentId))
            {
                // A second check of the same agent raced this one in: the newer wins, this leg goes.
                _ = leg.DisposeAsync().AsTask();
                return NetworkCheckAnswer.Busy("another network check of this agent is running");
            }

            byAgent[agentId] = leg;
        }

        endpoint.Start();
        leg.ExpireAfter(Lifetime);
        logger.LogInformation("network check for agent {Agent} on UDP port {Port}", agentId, endpoint.LocalPort);
        return NetworkCheckAnswer.Answer(result.Sdp);
    }

    public async ValueTask DisposeAsync()
    {
        Leg[] legs;
        lock (gate)
        {
            disposed = true;
            legs = [.. byAgent.Values];
            byAgent.Clear();
        }

        foreach (var leg in legs)
        {
            await leg.DisposeAsync().ConfigureAwait(false);
        }
    }

    private void Forget(Leg leg)
    {
        lock (gate)
        {
            if (byAgent.TryGetValue(leg.AgentId, out var current) && ReferenceEquals(current, leg))
            {
                byAgent.Remove(leg.AgentId);
            }
        }
    }

    /// <summary>One check's leg: it only answers ICE checks (and DTLS, which the browser starts); RTP is dropped.</summary>
    private sealed class Leg(NetworkCheckLegs owner, string agentId) : IWebRtcEndpointObserver, IAsyncDisposable
    {
        private WebRtcEndpoint? endpoint;
        private Timer? expiry;
        private int disposed;

        public string AgentId { get; } = agentId;

        public void Attach(WebRtcEndpoint leg) => endpoint = leg;

        public void ExpireAfter(TimeSpan lifetime) =>
            expiry = new Timer(_ => _ = DisposeAsync().AsTask(), null, lifetime, Timeout.InfiniteTimeSpan);

        public void OnConnected()
        {
        }

        public void OnRtp(ReadOnlySpan<byte> rtpPacket, long arrivalTimestamp)
        {
        }

        // The browser closed its throwaway connection (close_notify) or went silent: free the port now.
        public void OnClosed(string reason) => _ = DisposeAsync().AsTask();

        public async ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref disposed, 1) != 0)
            {
                return;
            }

            owner.Forget(this);
            if (expiry is not null)
            {
                await expiry.DisposeAsync().ConfigureAwait(false);
            }

            if (endpoint is not null)
            {
                await endpoint.DisposeAsync().ConfigureAwait(false);
            }
        }
    }
}

/// <summary>What <see cref="NetworkCheckLegs.AnswerAsync"/> gives back: an SDP answer, a refusal of the offer, or busy.</summary>
public sealed record NetworkCheckAnswer(int Status, string Body)
{
    public static NetworkCheckAnswer Answer(string sdp) => new(StatusCodes.Status200OK, sdp);

    public static NetworkCheckAnswer Refused(string reason) => new(StatusCodes.Status400BadRequest, reason);

    public static NetworkCheckAnswer Busy(string reason) => new(StatusCodes.Status503ServiceUnavailable, reason);
}
