namespace PbxBridge.Sip.Transactions;

/// <summary>The states of the RFC 3261 §17 transaction state machines (not every kind uses all of them).</summary>
internal enum SipTransactionState
{
    Calling,
    Trying,
    Proceeding,
    Completed,
    Confirmed,
    Terminated,
}
