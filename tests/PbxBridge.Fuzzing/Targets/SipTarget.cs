using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using PbxBridge.Fuzzing.Engine;
using PbxBridge.Fuzzing.Seeds;
using PbxBridge.Sip;
using PbxBridge.Sip.Message;
using PbxBridge.Sip.Tests.Support;
using PbxBridge.Sip.Transport;

namespace PbxBridge.Fuzzing.Targets;

/// <summary>
/// What a SIP WebSocket connection does with each message: <see cref="SipStack.OnMessageReceived"/> (parse, then
/// dispatch to registrar, transactions and dialogs, or answer 400). The verdict comes from <see cref="SipParser"/>
/// on its own, so the stack's parse-failure counter (pbxbridge_sip_parse_failures_total) is checked against it.
/// Rules: a refused request other than ACK is answered with the parser's status (400, 505); an accepted message serializes to bytes that
/// parse again. The stack runs on a manual clock moved one second every 100 inputs, so transactions, nonces and
/// registrations expire as they would under a flood.
/// </summary>
public sealed class SipTarget : FuzzTarget
{
    private readonly ManualTimeProvider _time = new();
    private readonly SipStack _stack;
    private readonly CapturingFlow _flow = new();
    private long _inputs;

    public SipTarget()
    {
        _stack = new SipStack(new SipStackOptions { TimeProvider = _time }, new FuzzAgents(), new RefusingCallHandler(), NullLogger<SipStack>.Instance);
        _stack.OnFlowOpened(_flow);
    }

    public override string Name => "sip";

    public override string Description => "SipStack.OnMessageReceived (SipParser.Parse, dispatch, 400) on one WSS flow";

    public override IReadOnlyList<byte[]> Seeds => SipSeeds.All;

    public override bool IsText => true;

    public override IReadOnlyList<byte[]> Tokens => SipSeeds.Tokens;

    public override long? CountedRejections => _stack.Counters.ParseFailures;

    public override FuzzVerdict Run(byte[] input)
    {
        if (++_inputs % 100 == 0)
        {
            _time.Advance(TimeSpan.FromSeconds(1));
        }

        var parsed = SipParser.Parse(input);
        _flow.Last = null;
        _stack.OnMessageReceived(_flow, input);
        if (!parsed.Success)
        {
            if (parsed.Rejectable is { Method: not SipMethod.Ack } && (_flow.Last as SipResponse)?.StatusCode != parsed.ErrorStatusCode)
            {
                throw new FuzzInvariantException($"a malformed request was not answered with {parsed.ErrorStatusCode} ({parsed.Error})");
            }

            return FuzzVerdict.Rejected;
        }

        // Invalid UTF-8 comes back as U+FFFD (three bytes), so a message near the size limit may serialize past it.
        var serialized = parsed.Message!.ToBytes();
        var again = SipParser.Parse(serialized);
        if (!again.Success && serialized.Length <= SipParser.MaxMessageSize)
        {
            throw new FuzzInvariantException($"an accepted message serialized to bytes that do not parse: {again.Error}");
        }

        return FuzzVerdict.Accepted;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _stack.Dispose();
        }
    }

    private sealed class CapturingFlow : ISipFlow
    {
        public SipMessage? Last { get; set; }

        public string Id => "fuzz-wss";

        public IPEndPoint Remote { get; } = new(IPAddress.Loopback, 40000);

        public bool IsReliable => true;

        public string ViaTransport => "WSS";

        public bool IsOpen => true;

        public string? LocalSentBy => null;

        public void Send(SipMessage message)
        {
            // What the WebSocket would write: serializing echoes of hostile input must not throw either.
            _ = message.ToBytes();
            Last = message;
        }
    }

    private sealed class FuzzAgents : ISipAgentDirectory
    {
        private readonly SipAgentCredentials _agent = new("1001", "Agent 1001",
            Sip.Auth.SipDigestHa1.ComputeMd5("1001", "pbxbridge", "fuzz-secret"), Sip.Auth.SipDigestHa1.ComputeSha256("1001", "pbxbridge", "fuzz-secret"));

        public string Realm => "pbxbridge";

        public bool TryGetAgent(string agentId, out SipAgentCredentials credentials)
        {
            credentials = _agent;
            return agentId == "1001";
        }
    }

    /// <summary>Never reached without a valid digest; refuses at once if it were, as a busy Calls room would.</summary>
    private sealed class RefusingCallHandler : ISipCallHandler
    {
        public void OnIncomingCall(SipIncomingCall call) => call.Reject(486, "Busy Here");
    }
}
