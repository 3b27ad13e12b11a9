// Call quality from RTCPeerConnection.getStats(), reduced to what an agent can act on:
// round-trip time, jitter, packet loss over the last interval, and the codec in use.
// Thresholds follow the usual VoIP rules of thumb (ITU-T G.114 puts one-way delay under 150 ms as good;
// more than ~1 % loss or ~30 ms jitter is audible with Opus/G.711).
const GOOD = { rttMs: 300, jitterMs: 30, lossPercent: 1 };
const POOR = { rttMs: 800, jitterMs: 80, lossPercent: 5 };

export function rateQuality(sample) {
  if (sample === null) return 'none';
  const over = (limit) =>
    (sample.rttMs !== null && sample.rttMs > limit.rttMs) ||
    (sample.jitterMs !== null && sample.jitterMs > limit.jitterMs) ||
    (sample.lossPercent !== null && sample.lossPercent > limit.lossPercent);
  if (over(POOR)) return 'poor';
  if (over(GOOD)) return 'fair';
  return 'good';
}

export function describeQuality(sample) {
  if (sample === null) return 'no call';
  const part = (value, unit, digits = 0) => (value === null ? 'n/a' : `${value.toFixed(digits)} ${unit}`);
  return `round trip ${part(sample.rttMs, 'ms')}, jitter ${part(sample.jitterMs, 'ms')}, ` +
    `loss ${part(sample.lossPercent, '%', 1)}, codec ${sample.codec ?? 'n/a'}`;
}

// Keeps the previous counters so loss is measured per interval, not since the call began.
export class CallQualityProbe {
  constructor(connection) {
    this.connection = connection;
    this.previous = null;
  }

  async sample() {
    const report = await this.connection.getStats();
    let pair = null;
    let selectedPairId = null;
    let inbound = null;
    let remoteInbound = null;
    const codecs = new Map();
    report.forEach((stat) => {
      if (stat.type === 'transport' && stat.selectedCandidatePairId) selectedPairId = stat.selectedCandidatePairId;
      else if (stat.type === 'candidate-pair' && stat.state === 'succeeded' && (stat.nominated || pair === null)) pair = stat;
      else if (stat.type === 'inbound-rtp' && stat.kind === 'audio') inbound = stat;
      else if (stat.type === 'remote-inbound-rtp' && stat.kind === 'audio') remoteInbound = stat;
      else if (stat.type === 'codec') codecs.set(stat.id, stat);
    });
    if (selectedPairId !== null && report.has(selectedPairId)) pair = report.get(selectedPairId);

    let rttMs = null;
    if (pair && typeof pair.currentRoundTripTime === 'number') rttMs = pair.currentRoundTripTime * 1000;
    else if (remoteInbound && typeof remoteInbound.roundTripTime === 'number') rttMs = remoteInbound.roundTripTime * 1000;

    let jitterMs = null;
    let lossPercent = null;
    let codec = null;
    let packetsReceived = 0;
    if (inbound) {
      if (typeof inbound.jitter === 'number') jitterMs = inbound.jitter * 1000;
      const lost = Math.max(0, inbound.packetsLost ?? 0);
      packetsReceived = inbound.packetsReceived ?? 0;
      const before = this.previous ?? { lost: 0, received: 0 };
      const lostDelta = lost - before.lost;
      const receivedDelta = packetsReceived - before.received;
      if (lostDelta + receivedDelta > 0) lossPercent = (100 * lostDelta) / (lostDelta + receivedDelta);
      this.previous = { lost, received: packetsReceived };
      const c = codecs.get(inbound.codecId);
      if (c) codec = `${c.mimeType.replace(/^audio\//i, '')}/${c.clockRate}`;
    }
    return { rttMs, jitterMs, lossPercent, codec, packetsReceived };
  }
}
