// The network check before the first call: a throwaway RTCPeerConnection whose offer PbxBridge answers with a real
// browser leg (POST /api/network-check), so ICE tries exactly the paths a call will try: UDP to the media port,
// ICE-TCP (RFC 6544) to the HTTPS or ICE-TCP port, and the TURN relay when the page has TURN servers. Which
// candidate pairs succeeded, and which one won, is then said in plain words.

const CONNECT_TIMEOUT_MS = 10_000;
// After the first working pair, how long UDP gets to succeed too: Chromium checks pairs 50 ms apart and prefers
// UDP, so a network that lets UDP through has its UDP pair succeed well inside this.
const SETTLE_MS = 1_500;

// Reads a finished check's getStats() report: which kinds of path worked and which pair ICE selected.
export function readPaths(report) {
  const stats = new Map();
  report.forEach((s) => stats.set(s.id, s));
  const result = { udp: false, tcp: false, relay: false, selected: null };
  const kindOf = (pair) => {
    const local = stats.get(pair.localCandidateId);
    const remote = stats.get(pair.remoteCandidateId);
    if (!local || !remote) return null;
    if (local.candidateType === 'relay') {
      return { path: 'relay', port: remote.port, relayProtocol: local.relayProtocol ?? null };
    }
    return { path: remote.protocol === 'tcp' ? 'tcp' : 'udp', port: remote.port, relayProtocol: null };
  };
  let selectedId = null;
  stats.forEach((s) => { if (s.type === 'transport' && s.selectedCandidatePairId) selectedId = s.selectedCandidatePairId; });
  stats.forEach((s) => {
    if (s.type !== 'candidate-pair' || s.state !== 'succeeded') return;
    const kind = kindOf(s);
    if (kind === null) return;
    result[kind.path] = true;
    if (s.id === selectedId || (selectedId === null && s.nominated && result.selected === null)) result.selected = kind;
  });
  return result;
}

// One sentence an agent can act on (and pass to IT). `host` names the server for the blocked case.
export function describeNetworkCheck(check, host) {
  if (check.error) return `The network check could not run (${check.error}); calls may still work.`;
  const { selected } = check;
  if (check.udp || selected?.path === 'udp') return 'Audio over UDP works.';
  if (check.tcp || selected?.path === 'tcp') {
    return `UDP is blocked; audio will go over TCP port ${selected?.path === 'tcp' ? selected.port : 'of the server'}.`;
  }
  if (check.relay || selected?.path === 'relay') {
    const over = selected?.relayProtocol ? ` over ${selected.relayProtocol.toUpperCase()}` : '';
    return `Only the relay works: UDP and TCP to the server are blocked, so audio will go through the TURN server${over}.`;
  }
  return `No audio path to ${host}: UDP, TCP and the relay are all blocked, so calls would have no sound. ` +
    'Ask your IT team to let UDP or TCP from this computer through to it.';
}

// Runs the check; resolves { udp, tcp, relay, selected, error } and never throws.
export async function runNetworkCheck({
  apiBase, authorization, iceServers, fetchImpl = globalThis.fetch, PeerConnection = globalThis.RTCPeerConnection,
}) {
  let pc = null;
  try {
    pc = new PeerConnection({ iceServers, bundlePolicy: 'balanced', rtcpMuxPolicy: 'require' });
    // Receive-only audio: an offer a call would make, without touching the microphone.
    pc.addTransceiver('audio', { direction: 'recvonly' });
    await pc.setLocalDescription(await pc.createOffer());
    const response = await fetchImpl(new URL('api/network-check', apiBase), {
      method: 'POST',
      headers: { Authorization: authorization, 'Content-Type': 'application/sdp' },
      body: pc.localDescription.sdp,
      cache: 'no-store',
    });
    const answer = await response.text();
    if (!response.ok) return { udp: false, tcp: false, relay: false, selected: null, error: `${response.status} ${answer}`.trim() };
    await pc.setRemoteDescription({ type: 'answer', sdp: answer });

    const connected = await waitForIce(pc, CONNECT_TIMEOUT_MS);
    if (connected) {
      // A first working pair may be TCP or the relay; give UDP its chance before judging it blocked.
      const deadline = Date.now() + SETTLE_MS;
      while (Date.now() < deadline) {
        if (readPaths(await pc.getStats()).udp) break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
    return { ...readPaths(await pc.getStats()), error: null };
  } catch (error) {
    return { udp: false, tcp: false, relay: false, selected: null, error: error.message };
  } finally {
    pc?.close();
  }
}

function waitForIce(pc, timeoutMs) {
  return new Promise((resolve) => {
    const done = (ok) => {
      clearTimeout(timer);
      pc.removeEventListener('iceconnectionstatechange', onChange);
      resolve(ok);
    };
    const onChange = () => {
      const state = pc.iceConnectionState;
      if (state === 'connected' || state === 'completed') done(true);
      else if (state === 'failed') done(false);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    pc.addEventListener('iceconnectionstatechange', onChange);
    onChange();
  });
}

// The status-bar line: text, a data-state for tests and styling, and the dot's colour.
export function networkCheckView(check) {
  if (check === null) return { text: 'Network: not checked', state: 'unknown', dot: '' };
  if (check.state === 'running') return { text: 'Network: checking…', state: 'running', dot: 'busy' };
  if (check.error) return { text: `Network: ${check.text}`, state: 'error', dot: '' };
  const path = check.udp ? 'udp' : check.tcp ? 'tcp' : check.relay ? 'relay' : 'none';
  return { text: `Network: ${check.text}`, state: path, dot: path === 'udp' ? 'ok' : path === 'none' ? 'bad' : 'busy' };
}
