import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CallQualityProbe, describeQuality, rateQuality } from '../src/call-quality.js';

const sample = (over = {}) => ({ rttMs: 40, jitterMs: 5, lossPercent: 0, codec: 'opus/48000', ...over });

test('a clean loopback call is good', () => {
  assert.equal(rateQuality(sample()), 'good');
});

test('any one figure past the fair line makes the call fair', () => {
  assert.equal(rateQuality(sample({ rttMs: 301 })), 'fair');
  assert.equal(rateQuality(sample({ jitterMs: 31 })), 'fair');
  assert.equal(rateQuality(sample({ lossPercent: 1.5 })), 'fair');
});

test('any one figure past the poor line makes the call poor', () => {
  assert.equal(rateQuality(sample({ rttMs: 801 })), 'poor');
  assert.equal(rateQuality(sample({ jitterMs: 81 })), 'poor');
  assert.equal(rateQuality(sample({ lossPercent: 6 })), 'poor');
});

test('missing figures do not count against the call, and no call has no rating', () => {
  assert.equal(rateQuality(sample({ rttMs: null, jitterMs: null, lossPercent: null })), 'good');
  assert.equal(rateQuality(null), 'none');
});

test('the hover text carries every number', () => {
  assert.equal(
    describeQuality(sample({ rttMs: 12.4, jitterMs: 3.6, lossPercent: 0.25 })),
    'round trip 12 ms, jitter 4 ms, loss 0.3 %, codec opus/48000');
  assert.equal(describeQuality(sample({ rttMs: null })).startsWith('round trip n/a'), true);
});

// getStats() returns a map-like RTCStatsReport; a Map with the same entries is what the probe reads.
function report(entries) {
  return new Map(entries.map((e) => [e.id, e]));
}

test('loss is measured over the interval since the previous sample, not since the call began', async () => {
  let stats;
  const probe = new CallQualityProbe({ getStats: async () => stats });
  const base = [
    { id: 'T', type: 'transport', selectedCandidatePairId: 'P' },
    { id: 'P', type: 'candidate-pair', state: 'succeeded', nominated: true, currentRoundTripTime: 0.021 },
    { id: 'C', type: 'codec', mimeType: 'audio/opus', clockRate: 48000 },
  ];
  stats = report([...base, { id: 'I', type: 'inbound-rtp', kind: 'audio', jitter: 0.004, packetsLost: 10, packetsReceived: 90, codecId: 'C' }]);
  const first = await probe.sample();
  assert.equal(first.lossPercent, 10);
  assert.equal(first.rttMs, 21);
  assert.equal(first.jitterMs, 4);
  assert.equal(first.codec, 'opus/48000');

  stats = report([...base, { id: 'I', type: 'inbound-rtp', kind: 'audio', jitter: 0.004, packetsLost: 10, packetsReceived: 140, codecId: 'C' }]);
  const second = await probe.sample();
  assert.equal(second.lossPercent, 0);
});

test('round-trip time falls back to RTCP when the candidate pair has none', async () => {
  const probe = new CallQualityProbe({
    getStats: async () => report([
      { id: 'R', type: 'remote-inbound-rtp', kind: 'audio', roundTripTime: 0.05 },
    ]),
  });
  const result = await probe.sample();
  assert.equal(result.rttMs, 50);
  assert.equal(result.lossPercent, null);
});
