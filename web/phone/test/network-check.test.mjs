import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeNetworkCheck, networkCheckView, readPaths } from '../src/network-check.js';

// A getStats() report as Chromium gives it: a Map-like of stats by id.
function report(pairs, selected) {
  const stats = [{ id: 'T1', type: 'transport', selectedCandidatePairId: selected }];
  for (const p of pairs) {
    stats.push({ id: `L-${p.id}`, type: 'local-candidate', candidateType: p.localType ?? 'host', relayProtocol: p.relayProtocol });
    stats.push({ id: `R-${p.id}`, type: 'remote-candidate', protocol: p.protocol, port: p.port });
    stats.push({ id: p.id, type: 'candidate-pair', state: p.state, nominated: p.id === selected, localCandidateId: `L-${p.id}`, remoteCandidateId: `R-${p.id}` });
  }
  return new Map(stats.map((s) => [s.id, s]));
}

test('a network that lets UDP through says so', () => {
  const paths = readPaths(report([
    { id: 'P1', protocol: 'udp', port: 40000, state: 'succeeded' },
    { id: 'P2', protocol: 'tcp', port: 8443, state: 'succeeded' },
  ], 'P1'));
  assert.deepEqual(paths, { udp: true, tcp: true, relay: false, selected: { path: 'udp', port: 40000, relayProtocol: null } });
  assert.equal(describeNetworkCheck(paths, 'pbx.example.com'), 'Audio over UDP works.');
  assert.equal(networkCheckView({ state: 'done', ...paths, text: 'Audio over UDP works.' }).state, 'udp');
});

test('UDP that never answered while ICE-TCP did names the TCP port', () => {
  const paths = readPaths(report([
    { id: 'P1', protocol: 'udp', port: 40000, state: 'in-progress' },
    { id: 'P2', protocol: 'tcp', port: 443, state: 'succeeded' },
  ], 'P2'));
  assert.equal(paths.udp, false);
  assert.equal(describeNetworkCheck(paths, 'pbx.example.com'), 'UDP is blocked; audio will go over TCP port 443.');
});

test('only a relayed pair working says the relay, with its transport', () => {
  const paths = readPaths(report([
    { id: 'P1', protocol: 'udp', port: 40000, state: 'failed' },
    { id: 'P2', protocol: 'tcp', port: 443, state: 'failed' },
    { id: 'P3', protocol: 'udp', port: 40000, state: 'succeeded', localType: 'relay', relayProtocol: 'tls' },
  ], 'P3'));
  assert.deepEqual([paths.udp, paths.tcp, paths.relay], [false, false, true]);
  assert.equal(describeNetworkCheck(paths, 'pbx.example.com'),
    'Only the relay works: UDP and TCP to the server are blocked, so audio will go through the TURN server over TLS.');
});

test('nothing working, or the check failing, is said as such', () => {
  const none = readPaths(report([{ id: 'P1', protocol: 'udp', port: 40000, state: 'failed' }], undefined));
  assert.match(describeNetworkCheck(none, 'pbx.example.com'), /^No audio path to pbx\.example\.com: UDP, TCP and the relay are all blocked/);
  assert.equal(networkCheckView({ state: 'done', ...none, text: 'x' }).dot, 'bad');
  assert.equal(describeNetworkCheck({ error: '503 too many network checks at once' }, 'h'),
    'The network check could not run (503 too many network checks at once); calls may still work.');
  assert.equal(networkCheckView(null).text, 'Network: not checked');
  assert.equal(networkCheckView({ state: 'running' }).text, 'Network: checking…');
});
