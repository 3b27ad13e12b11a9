using PbxBridge.Sip.Dialogs;
using PbxBridge.Sip.Message;
using PbxBridge.Sip.Refer;
using PbxBridge.Sip.Transactions;

namespace PbxBridge.Sip;

/// <summary>
/// REFER inside the call (RFC 3515): the agent transfers its far party, blind (Refer-To names a number or agent) or
/// attended (Refer-To carries a Replaces naming the agent's consultation call, RFC 3891). The stack answers 202 and
/// "100 Trying" at once; the handler carries the transfer out and reports through <see cref="SipReferral"/>.
/// </summary>
public abstract partial class SipCall
{
    private SipReferral? _referral;

    /// <summary>Receives each accepted REFER (raised after the stack's lock is released). Without a handler a REFER
    /// gets 405, as it did before transfers existed.</summary>
    public Action<SipReferral>? ReferHandler { get; set; }

    private void OnRefer(SipDialog dialog, SipRequest request, SipTransaction transaction)
    {
        var handler = ReferHandler;
        if (handler is null)
        {
            Stack.Respond(transaction, Stack.WithAllow(SipResponse.For(request, 405, "Method Not Allowed")));
            return;
        }

        if (!ReferTo.TryParse(request.Headers.GetFieldValues(SipHeaderNames.ReferTo), out var referTo, out var error))
        {
            Stack.Respond(transaction, SipResponse.For(request, 400, error!));
            return;
        }

        if (_referral is { IsCompleted: false })
        {
            // One transfer at a time: the first one's outcome decides what is left to transfer.
            Stack.Respond(transaction, SipResponse.For(request, 491, "Request Pending"));
            return;
        }

        var replaced = referTo!.Replaces is { } replaces ? Stack.FindCallForReplaces(replaces, AgentId) : null;
        var referCSeq = request.CSeq!.Value.Number;
        var referral = new SipReferral(this, referTo, replaced, request.Headers.Get(SipHeaderNames.ReferredBy),
            (status, phrase) => Stack.Execute(() => SendReferNotify(referCSeq, status, phrase)));
        _referral = referral;

        var accepted = SipResponse.For(request, 202, "Accepted");
        accepted.Headers.Add(SipHeaderNames.Contact, Stack.ContactFor(Flow));
        Stack.Respond(transaction, accepted);

        // RFC 3515 §2.4.4: the first NOTIFY follows the 202 at once.
        SendReferNotify(referCSeq, 100, "Trying");
        Stack.Post(() => handler(referral));
    }

    private void SendReferNotify(uint referCSeq, int statusCode, string reasonPhrase)
    {
        if (Dialog is not { IsTerminated: false } dialog || !Flow.IsOpen)
        {
            return;
        }

        Stack.SendRequest(Flow, ReferNotify.Create(dialog, referCSeq, statusCode, reasonPhrase), _ => { });
    }
}
