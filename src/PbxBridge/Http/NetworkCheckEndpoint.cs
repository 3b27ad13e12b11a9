using System.Text;
using PbxBridge.Sip;

namespace PbxBridge.Http;

/// <summary>
/// POST /api/network-check: /phone's check before the first call. The body is the SDP offer of a throwaway
/// RTCPeerConnection; the answer is that of a real browser leg (<see cref="NetworkCheckLegs"/>) with the UDP host,
/// ICE-TCP and (through the page's TURN servers) relay paths a call would have. The page reads which ICE candidate
/// pair won and says it in words. Only for an agent (<see cref="AgentBasicAuth"/>).
/// </summary>
public static class NetworkCheckEndpoint
{
    // A browser's audio-only offer is 2-6 KB; far more is not an offer.
    private const int MaxOfferBytes = 32 * 1024;

    public static void Map(WebApplication app)
    {
        app.MapPost("/api/network-check", async (HttpContext context, ISipAgentDirectory agents, SipStack sip, NetworkCheckLegs legs) =>
        {
            if (AgentBasicAuth.Authenticate(context, agents, sip, out var refusal) is not { } agentId)
            {
                return refusal;
            }

            if (context.Request.ContentLength is > MaxOfferBytes)
            {
                return Results.Text($"an SDP offer of at most {MaxOfferBytes} bytes is expected", statusCode: StatusCodes.Status413PayloadTooLarge);
            }

            var offer = await ReadOfferAsync(context.Request, context.RequestAborted).ConfigureAwait(false);
            if (offer is null)
            {
                return Results.Text($"an SDP offer of at most {MaxOfferBytes} bytes is expected", statusCode: StatusCodes.Status413PayloadTooLarge);
            }

            var answer = await legs.AnswerAsync(agentId, offer).ConfigureAwait(false);
            context.Response.Headers.CacheControl = "no-store";
            if (answer.Status == StatusCodes.Status503ServiceUnavailable)
            {
                context.Response.Headers.RetryAfter = "5";
            }

            return Results.Text(answer.Body, answer.Status == StatusCodes.Status200OK ? "application/sdp" : "text/plain; charset=utf-8", statusCode: answer.Status);
        });
    }

    private static async Task<string?> ReadOfferAsync(HttpRequest request, CancellationToken cancel)
    {
        var buffer = new byte[MaxOfferBytes + 1];
        var length = 0;
        int read;
        while ((read = await request.Body.ReadAsync(buffer.AsMemory(length), cancel).ConfigureAwait(false)) > 0)
        {
            length += read;
            if (length > MaxOfferBytes)
            {
                return null;
            }
        }

        return Encoding.UTF8.GetString(buffer, 0, length);
    }
}
