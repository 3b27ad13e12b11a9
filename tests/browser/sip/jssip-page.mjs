// Page-side softphone on JsSIP 3.13 (window.JsSIP from the bundle), written the way JsSIP-based phones use it.
// Exposed as window.phone for the scenario: register, call, hangup, waitForIncoming, answer, waitForEnd, stats.
function install() {
  const media = { audio: { echoCancellation: false, noiseSuppression: false, autoGainControl: false }, video: false };
  let ua = null;
  let iceServers = [];
  let session = null;
  let incoming = null;
  let ended = null;
  // Every live call, oldest first: an attended transfer holds the first while it consults on the second.
  const calls = [];

  function listen(s) {
    const pc = s.connection;
    if (!pc) return;
    const stream = new MediaStream();
    pc.getReceivers().forEach((r) => r.track && stream.addTrack(r.track));
    window.pbxToneProbe.attach(stream);
  }

  function watch(s) {
    session = s;
    const entry = { session: s };
    entry.ended = new Promise((resolve) => {
      const done = (result) => {
        calls.splice(calls.indexOf(entry), 1);
        if (session === s && calls.length > 0) {
          // Back to the call that waited (the consultation ended): the probe listens to it again.
          session = calls[calls.length - 1].session;
          ended = calls[calls.length - 1].ended;
          listen(session);
        }
        resolve(result);
      };
      s.on('ended', (e) => done({ originator: e.originator, cause: e.cause }));
      s.on('failed', (e) => done({ originator: e.originator, cause: e.cause, status: e.message?.status_code ?? null }));
    });
    calls.push(entry);
    ended = entry.ended;
    // The PBX holding us arrives as its re-INVITE (a=sendonly or inactive): JsSIP answers it and emits 'hold' / 'unhold'
    // with originator 'remote'.
    s.pbxRemoteHolds = [];
    s.on('hold', (e) => e.originator === 'remote' && s.pbxRemoteHolds.push('hold'));
    s.on('unhold', (e) => e.originator === 'remote' && s.pbxRemoteHolds.push('unhold'));
    const attach = (pc) => pc.addEventListener('track', (ev) => window.pbxToneProbe.attach(ev.streams[0] ?? new MediaStream([ev.track])));
    if (s.connection) attach(s.connection);
    else s.on('peerconnection', (e) => attach(e.peerconnection));
  }

  // RFC 3515 REFER as JsSIP phones send it: refer(target) for a blind transfer, refer(target, {replaces}) naming the
  // consultation call for an attended one, sent on the held first call. The NOTIFYs' sipfrag statuses are collected;
  // on a 2xx the phone hangs up the transferred call (JsSIP leaves that to the application), on a failure it keeps it.
  function refer({ target, host, attended }) {
    const transferred = attended ? calls[calls.length - 2] : calls[calls.length - 1];
    const consultation = attended ? calls[calls.length - 1].session : null;
    return new Promise((resolve) => {
      const statuses = [];
      const finish = (outcome, status) => {
        if (outcome === 'accepted') transferred.session.terminate();
        resolve({ outcome, status, statuses });
      };
      transferred.session.refer(`sip:${target}@${host}`, {
        ...(consultation ? { replaces: consultation } : {}),
        eventHandlers: {
          requestFailed: (e) => finish('rejected', e.response?.status_code ?? null),
          trying: (e) => statuses.push(e.status_line.status_code),
          progress: (e) => statuses.push(e.status_line.status_code),
          accepted: (e) => { statuses.push(e.status_line.status_code); finish('accepted', e.status_line.status_code); },
          failed: (e) => { statuses.push(e.status_line.status_code); finish('failed', e.status_line.status_code); },
        },
      });
    });
  }

  function register({ wss, host, agent, password, servers }) {
    iceServers = servers ?? [];
    return new Promise((resolve) => {
      ua = new window.JsSIP.UA({
        sockets: [new window.JsSIP.WebSocketInterface(wss)],
        uri: `sip:${agent}@${host}`,
        password,
        register: true,
        session_timers: true,
        user_agent: 'PbxBridge test (JsSIP)',
      });
      ua.on('registered', () => resolve({ state: 'registered' }));
      ua.on('registrationFailed', (e) => resolve({ state: 'failed', cause: e.cause, status: e.response?.status_code ?? null }));
      ua.on('newRTCSession', (e) => {
        if (e.originator === 'remote') {
          incoming = e.session;
          watch(e.session);
        }
      });
      ua.start();
    });
  }

  // Dials and resolves at the first provisional response carrying SDP (early media: JsSIP applies it at once), or with
  // the call's outcome when none comes; waitConfirmed then waits for the 200.
  let confirmed = null;
  function callEarly({ dial, host }) {
    return new Promise((resolve) => {
      const s = ua.call(`sip:${dial}@${host}`, { mediaConstraints: media, pcConfig: { iceServers } });
      watch(s);
      const progress = [];
      confirmed = new Promise((done) => {
        s.on('confirmed', () => done({ state: 'confirmed', progress, at: Date.now() }));
        s.on('failed', (e) => done({ state: 'failed', cause: e.cause, status: e.message?.status_code ?? null, progress }));
      });
      s.on('progress', (e) => {
        progress.push(e.response?.status_code ?? 0);
        if (e.response?.body) resolve({ state: 'early', progress: [...progress] });
      });
      confirmed.then(resolve);
    });
  }

  function waitConfirmed() {
    return confirmed;
  }

  // Signing out: REGISTER with Expires: 0, the WebSocket stays open (what a phone's "sign out" button does).
  function unregister() {
    return new Promise((resolve) => {
      ua.on('unregistered', () => resolve({ state: 'unregistered' }));
      ua.unregister();
    });
  }

  function call({ dial, host, action }) {
    return new Promise((resolve) => {
      const s = ua.call(`sip:${dial}@${host}`, { mediaConstraints: media, pcConfig: { iceServers } });
      watch(s);
      const progress = [];
      s.on('progress', (e) => {
        progress.push(e.response?.status_code ?? 0);
        if (action === 'cancel') setTimeout(() => s.terminate(), 300);
      });
      s.on('confirmed', () => resolve({ state: 'confirmed', progress }));
      s.on('failed', (e) => resolve({ state: 'failed', cause: e.cause, status: e.message?.status_code ?? null, progress }));
    });
  }

  // JsSIP's default DTMF transport is SIP INFO (application/dtmf-relay), which is what JsSIP phones send.
  function sendDtmf(tones) {
    session.sendDTMF(tones, { duration: 100, interToneGap: 100 });
    return { transport: 'INFO' };
  }

  // JsSIP's own hold(): a re-INVITE offering a=sendonly (inactive when the far end holds too); unhold() offers
  // sendrecv again. The callback runs once the re-INVITE's 200 came back.
  function hold() {
    return new Promise((resolve, reject) => {
      if (!session.hold({}, () => resolve({ held: session.isOnHold().local }))) reject(new Error('JsSIP refused hold()'));
    });
  }

  function unhold() {
    return new Promise((resolve, reject) => {
      if (!session.unhold({}, () => resolve({ held: session.isOnHold().local }))) reject(new Error('JsSIP refused unhold()'));
    });
  }

  // Resolves with how this call ended: taken before terminate(), which ends it at once and makes the call that
  // waited (if any) the current one.
  async function hangup() {
    const ending = ended;
    session.terminate();
    return ending;
  }

  // fresh: wait for a call after the one the page already had (an agent that was rung before, e.g. by a queue).
  function waitForIncoming(timeoutMs, fresh = false) {
    const before = fresh ? incoming : null;
    return new Promise((resolve, reject) => {
      const started = Date.now();
      const poll = () => {
        // A call the page already had (fresh), or one that has already ended (an earlier call of this page), is not the one waited for.
        if (incoming && incoming !== before && !incoming.isEnded()) resolve({ from: incoming.remote_identity.uri.user, display: incoming.remote_identity.display_name ?? null });
        else if (Date.now() - started > timeoutMs) reject(new Error('no incoming call'));
        else setTimeout(poll, 50);
      };
      poll();
    });
  }

  // Answers the ringing call; from then on waitForIncoming waits for the next one (call waiting).
  function answer() {
    const ringing = incoming;
    incoming = null;
    return new Promise((resolve) => {
      ringing.on('confirmed', () => resolve({ state: 'confirmed' }));
      ringing.answer({ mediaConstraints: media, pcConfig: { iceServers } });
    });
  }

  // Declines the ringing call (call waiting: 486 Busy Here), the call in progress goes on.
  function reject({ status }) {
    const ringing = incoming;
    incoming = null;
    ringing.terminate({ status_code: status, reason_phrase: status === 486 ? 'Busy Here' : 'Decline' });
    return { rejected: status, calls: calls.length };
  }

  // Makes call number `line` (0 = the oldest) the current one: hold, unhold, hangup, dtmf and the tone probe act on it.
  function focus({ line }) {
    session = calls[line].session;
    ended = calls[line].ended;
    listen(session);
    return { calls: calls.length };
  }

  function waitForEnd(timeoutMs) {
    return Promise.race([ended, new Promise((resolve) => setTimeout(() => resolve({ timeout: true }), timeoutMs))]);
  }

  async function stats() {
    return window.pbxCollectStats(session.connection);
  }

  function describe() {
    const pc = session.connection;
    return {
      remoteSdp: pc.remoteDescription?.sdp ?? null,
      transceivers: pc.getTransceivers().map((t) => ({ direction: t.direction, currentDirection: t.currentDirection, muted: t.receiver.track.muted })),
    };
  }

  // Issue 23, the network under the page changes (Wi-Fi to 4G) and the OS drops the WebSocket: JsSIP reconnects and
  // registers again by itself; the application then re-offers the call with an ICE restart on the new connection.
  // Call before the change, so the 'registered' of the reconnection is the one awaited.
  function recoverCall(timeoutMs) {
    return new Promise((resolve) => {
      const started = Date.now();
      const timer = setTimeout(() => resolve({ state: 'timeout' }), timeoutMs);
      ua.once('registered', () => {
        const sent = session.renegotiate({ rtcOfferConstraints: { iceRestart: true } }, () => {
          clearTimeout(timer);
          resolve({ state: 'renegotiated', afterMs: Date.now() - started });
        });
        if (!sent) {
          clearTimeout(timer);
          resolve({ state: 'renegotiate refused' });
        }
      });
    });
  }

  // Resolves once the current call's remote hold is `held` (JsSIP's isOnHold().remote), with the 'hold'/'unhold' events seen.
  async function waitRemoteHold({ held, timeoutMs }) {
    const deadline = Date.now() + timeoutMs;
    while (session.isOnHold().remote !== held && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    return { held: session.isOnHold().remote, events: [...session.pbxRemoteHolds] };
  }

  window.phone = { waitRemoteHold, register, unregister, call, callEarly, waitConfirmed, hangup, waitForIncoming, answer, reject, focus, waitForEnd, stats, describe, sendDtmf, hold, unhold, recoverCall, refer, calls: () => calls.length };
}

export const jssipPage = `${collectStats.toString()}; window.pbxCollectStats = collectStats; (${install.toString()})();`;

// Reads what the issue asks to assert: negotiated codec, DTLS state/role, SRTP cipher, packets both ways.
export async function collectStats(pc) {
  const report = await pc.getStats();
  const out = { codec: null, dtlsState: null, srtpCipher: null, packetsReceived: 0, packetsSent: 0, selectedPair: null };
  const codecs = new Map();
  report.forEach((s) => { if (s.type === 'codec') codecs.set(s.id, s.mimeType); });
  report.forEach((s) => {
    if (s.type === 'inbound-rtp' && s.kind === 'audio') { out.packetsReceived = s.packetsReceived; out.codec = codecs.get(s.codecId) ?? out.codec; out.audioLevel = s.audioLevel ?? null; out.totalSamplesReceived = s.totalSamplesReceived ?? 0; out.concealedSamples = s.concealedSamples ?? 0; out.packetsLost = s.packetsLost ?? 0; out.packetsDiscarded = s.packetsDiscarded ?? 0; }
    if (s.type === 'outbound-rtp' && s.kind === 'audio') { out.packetsSent = s.packetsSent; out.sendCodec = codecs.get(s.codecId) ?? null; }
    if (s.type === 'transport') { out.dtlsState = s.dtlsState; out.srtpCipher = s.srtpCipher; out.dtlsRole = s.dtlsRole ?? null; out.selectedPair = s.selectedCandidatePairId ?? null; }
  });
  // The pair media uses: its remote candidate's protocol says UDP or ICE-TCP, its type host or relay.
  const pair = out.selectedPair ? report.get(out.selectedPair) : null;
  const local = pair ? report.get(pair.localCandidateId) : null;
  const remote = pair ? report.get(pair.remoteCandidateId) : null;
  out.selectedProtocol = remote?.protocol ?? null;
  out.selectedRemoteType = remote?.candidateType ?? null;
  out.selectedRemoteTcpType = remote?.tcpType ?? null;
  out.selectedLocalType = local?.candidateType ?? null;
  out.selectedLocalRelayProtocol = local?.relayProtocol ?? null;
  out.selectedRemoteAddress = remote ? `${remote.address}:${remote.port}` : null;
  out.selectedLocalAddress = local ? `${local.address}:${local.port}` : null;
  return out;
}
