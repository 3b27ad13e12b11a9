namespace PbxBridge.WebRtc.Ice;

/// <summary>What <see cref="StunTransactionMemory"/> knows of a check's transaction id.</summary>
internal enum StunTransactionSeen
{
    /// <summary>Not among the remembered ids: a new transaction.</summary>
    New,

    /// <summary>A retransmission (RFC 8489 §6.2.1): answered again, nothing else changes.</summary>
    FromSameAddress,

    /// <summary>A copy sent from elsewhere: a replay, dropped without an answer.</summary>
    FromAnotherAddress,
}
