// The phone's SIP side: one JsSIP user agent registered over WSS and up to two calls (lines): the one the agent
// talks on (`line`) and one held, ringing as call waiting, or consulted for a transfer. It knows nothing about the
// DOM; the page renders from its fields whenever it calls onChange. The fields of the single-call page (session,
// callState, held, ...) read the active line.
import JsSIP from 'jssip';
import { AudioAnalysis } from './audio-analysis.js';
import { CallLine, CallState } from './call-line.js';
import { CallQualityProbe, rateQuality } from './call-quality.js';
import { apiBaseFromServerUrl, basicAuthorization, fetchIceServers } from './ice-servers.js';
import { describeNetworkCheck, readPaths, runNetworkCheck } from './network-check.js';
import { callFailedText, registrationErrorText, serverUnreachableText } from './plain-errors.js';
import { CallRecovery, RecoveryState } from './reconnect.js';
import { Ringback } from './ringback.js';
import { Transfer } from './transfer.js';

export { CallState };

const FREQUENCY_HISTORY = 5;
// A third call while two are up gets 486 Busy Here: the page has room for one call and one waiting or held.
const MAX_LINES = 2;

export class Softphone {
  constructor({ audioContext, microphone, remoteAudio, onChange, onIncoming }) {
    this.audioContext = audioContext;
    this.microphone = microphone;
    this.remoteAudio = remoteAudio;
    // Every change also decides the ringback: it plays while the active call rings with no early media.
    this.onChange = () => {
      this.syncRingback();
      onChange();
    };
    this.onIncoming = onIncoming;

    this.ua = null;
    this.agentId = null;
    this.serverUrl = null;
    this.webSocket = 'offline'; // offline | connecting | connected | reconnecting
    this.registration = 'unregistered'; // unregistered | registering | registered | failed
    this.everConnected = false;
    this.signedIn = false; // true from the first successful REGISTER until sign-out

    this.lines = [];
    this.line = null; // the call the agent talks on (or that rings first)
    this.lastError = null;
    this.lastEnd = null;
    this.dtmfTransport = JsSIP.C.DTMF_TRANSPORT.RFC2833;
    this.ringback = new Ringback(audioContext);
    this.transfer = new Transfer(this);

    this.remoteAnalysis = null;
    this.frequencies = [];
    this.incomingFrequencyHz = null;
    this.incomingLevelDb = null;
    this.qualityProbe = null;
    this.quality = null;
    this.qualityTimer = null;

    this.iceServers = []; // from /api/ice-servers at sign-in: TURN with this agent's credentials
    this.networkCheck = null; // { state: 'running' | 'done', text, udp, tcp, relay, selected }
    this.mediaPath = null; // the call's selected ICE path: { path: 'udp' | 'tcp' | 'relay', port, relayProtocol }
    this.recovery = new CallRecovery(() => this.onChange());
  }

  get rating() {
    return rateQuality(this.quality);
  }

  get session() { return this.line?.session ?? null; }
  get callState() { return this.line?.state ?? CallState.Idle; }
  get remoteParty() { return this.line?.remoteParty ?? { name: '', number: '' }; }
  get direction() { return this.line?.direction ?? null; }
  get muted() { return this.line?.muted ?? false; }
  get held() { return this.line?.held ?? false; }
  get remoteHeld() { return this.line?.remoteHeld ?? false; }
  get answeredAt() { return this.line?.answeredAt ?? null; }
  get dtmfSent() { return this.line?.dtmfSent ?? ''; }

  // The call that is not the active one: held, or ringing as call waiting.
  get otherLine() { return this.lines.find((l) => l !== this.line) ?? null; }

  get waitingLine() {
    const other = this.otherLine;
    return other?.state === CallState.Incoming ? other : null;
  }

  // Returns a promise that settles once the first registration succeeded or definitely failed.
  signIn({ agentId, password, serverUrl }) {
    this.signOut();
    this.agentId = agentId;
    this.serverUrl = serverUrl;
    this.lastError = null;
    this.everConnected = false;

    let socket;
    let host;
    try {
      const url = new URL(serverUrl);
      if (url.protocol !== 'wss:' && url.protocol !== 'ws:') throw new Error('not a WebSocket URL');
      host = url.hostname;
      socket = new JsSIP.WebSocketInterface(serverUrl);
    } catch {
      this.fail(`The server address "${serverUrl}" is not valid; it looks like wss://host:8443/sip.`);
      return Promise.resolve(false);
    }

    const ua = new JsSIP.UA({
      sockets: [socket],
      uri: `sip:${agentId}@${host}`,
      authorization_user: agentId,
      password,
      register: true,
      register_expires: 300,
      session_timers: false,
      user_agent: 'PbxBridge phone (JsSIP)',
      connection_recovery_min_interval: 2,
      // Agents should be back within seconds of a service restart, not half a minute.
      connection_recovery_max_interval: 10,
    });
    this.ua = ua;
    this.webSocket = 'connecting';
    this.registration = 'registering';

    return new Promise((resolve) => {
      const settle = (ok) => {
        resolve(ok);
      };
      ua.on('connecting', () => {
        if (this.ua !== ua) return;
        this.webSocket = this.everConnected ? 'reconnecting' : 'connecting';
        this.onChange();
      });
      ua.on('connected', () => {
        if (this.ua !== ua) return;
        this.everConnected = true;
        this.webSocket = 'connected';
        this.onChange();
      });
      ua.on('disconnected', () => {
        if (this.ua !== ua) return;
        if (!this.everConnected) {
          // Never reached the server: retrying forever behind a spinner helps nobody, say so now.
          this.fail(serverUnreachableText(serverUrl));
          this.signOut();
          settle(false);
          return;
        }
        this.webSocket = 'reconnecting';
        if (this.registration === 'registered') this.registration = 'registering';
        if (this.session !== null && this.callState === CallState.InCall) this.recovery.transportLost(this.session);
        this.onChange();
      });
      ua.on('registered', () => {
        if (this.ua !== ua) return;
        this.registration = 'registered';
        const firstTime = !this.signedIn;
        this.signedIn = true;
        this.lastError = null;
        this.onChange();
        if (firstTime) this.prepareNetwork(ua, agentId, password, serverUrl);
        this.recovery.registered();
        settle(true);
      });
      ua.on('unregistered', () => {
        if (this.ua !== ua) return;
        // A dropped WebSocket unregisters too; JsSIP registers again once it has reconnected.
        this.registration = this.webSocket === 'connected' ? 'unregistered' : 'registering';
        this.onChange();
      });
      ua.on('registrationFailed', (e) => {
        if (this.ua !== ua) return;
        const text = registrationErrorText(e.cause, e.response);
        if (e.cause === JsSIP.C.causes.CONNECTION_ERROR && this.everConnected) {
          // The transport dropped mid-registration; JsSIP reconnects and registers again by itself.
          this.registration = 'registering';
          this.onChange();
          return;
        }
        this.registration = 'failed';
        this.fail(text);
        this.signOut();
        settle(false);
      });
      ua.on('newRTCSession', (e) => this.adopt(e.session, e.originator));
      ua.start();
      this.onChange();
    });
  }

  signOut() {
    const ua = this.ua;
    this.ua = null;
    for (const line of [...this.lines]) {
      try { line.session.terminate(); } catch { /* already over */ }
      this.endLine(line, null);
    }
    if (ua !== null) {
      try { ua.stop(); } catch { /* already stopped */ }
    }
    this.webSocket = 'offline';
    this.signedIn = false;
    if (this.registration !== 'failed') this.registration = 'unregistered';
    this.onChange();
  }

  // Before the first call: TURN credentials for this agent, then the network check with them. Neither blocks signing
  // in; a call placed meanwhile simply goes without TURN.
  async prepareNetwork(ua, agentId, password, serverUrl) {
    const apiBase = apiBaseFromServerUrl(serverUrl);
    const authorization = basicAuthorization(agentId, password);
    this.networkCheck = { state: 'running', text: 'Checking the network for audio…' };
    this.onChange();
    const { iceServers } = await fetchIceServers({ apiBase, authorization });
    if (this.ua !== ua) return;
    this.iceServers = iceServers;
    const check = await runNetworkCheck({ apiBase, authorization, iceServers });
    if (this.ua !== ua) return;
    this.networkCheck = { state: 'done', ...check, text: describeNetworkCheck(check, new URL(apiBase).hostname) };
    this.onChange();
  }

  call(target) {
    if (this.lines.length > 0) return;
    this.dial(target);
  }

  // Places a call on a new line, which becomes the active one; returns it (null when it could not be placed).
  dial(target) {
    const number = target.trim();
    if (this.ua === null || this.registration !== 'registered') {
      this.fail('You are not signed in, so the call cannot be made.');
      return null;
    }
    if (number === '') {
      this.fail('Type a number to call first.');
      return null;
    }
    if (this.lines.length >= MAX_LINES) return null;
    this.lastError = null;
    this.audioContext.resume().catch(() => {});
    const microphoneStream = this.microphone.stream?.clone() ?? null;
    let session;
    try {
      session = this.ua.call(number, this.mediaOptions(microphoneStream));
    } catch (error) {
      for (const track of microphoneStream?.getTracks() ?? []) track.stop();
      this.fail(`"${number}" cannot be dialled (${error.message}).`);
      return null;
    }
    const line = this.lines.find((l) => l.session === session) ?? null;
    if (line !== null) line.microphoneStream = microphoneStream;
    return line;
  }

  answer() {
    if (this.line === null || this.callState !== CallState.Incoming) return;
    this.answerLine(this.line);
  }

  answerLine(line) {
    this.audioContext.resume().catch(() => {});
    line.state = CallState.Connecting;
    line.microphoneStream = this.microphone.stream?.clone() ?? null;
    this.onChange();
    try {
      line.session.answer(this.mediaOptions(line.microphoneStream));
    } catch (error) {
      // The caller gave up between the click and the answer; JsSIP has already ended the session.
      this.fail(`The call could not be answered (${error.message}).`);
    }
  }

  // Hang up, cancel or reject the active call, whichever it needs.
  hangUp() {
    const line = this.line;
    if (line === null) return;
    const rejecting = line.state === CallState.Incoming;
    try {
      line.session.terminate(rejecting ? { status_code: 603, reason_phrase: 'Decline' } : undefined);
    } catch {
      this.endLine(line, { originator: 'local' });
    }
  }

  // Call waiting: answer the second call; the one in progress goes on hold first.
  answerWaiting() {
    const waiting = this.waitingLine;
    if (waiting === null) return;
    const current = this.line;
    if (current?.answered && !current.held && !this.setHold(current, true)) return;
    this.activate(waiting);
    this.answerLine(waiting);
  }

  // Call waiting: the second caller hears busy; the call in progress is not disturbed.
  declineWaiting() {
    const waiting = this.waitingLine;
    if (waiting === null) return;
    try {
      waiting.session.terminate({ status_code: 486, reason_phrase: 'Busy Here' });
    } catch {
      this.endLine(waiting, { originator: 'local' });
    }
  }

  // Two answered calls: hold the one in progress, resume the other and talk on it.
  switchLine() {
    const other = this.otherLine;
    const current = this.line;
    if (other === null || !other.answered || current === null) return;
    if (current.answered && !current.held && !this.setHold(current, true)) return;
    if (other.held && !this.setHold(other, false)) return;
    this.activate(other);
  }

  // Makes a line the one shown, heard and measured.
  activate(line) {
    if (this.line === line) return;
    this.line = line;
    this.qualityProbe = null;
    this.quality = null;
    this.mediaPath = null;
    if (line.connection !== null) this.watchConnection(line, line.connection);
    this.playRemote(line);
    this.onChange();
  }

  toggleMute() {
    if (this.session === null || this.callState !== CallState.InCall) return;
    if (this.session.isMuted().audio) this.session.unmute({ audio: true });
    else this.session.mute({ audio: true });
  }

  toggleHold() {
    if (this.line === null || this.callState !== CallState.InCall) return;
    this.setHold(this.line, !this.line.held);
  }

  // Returns false (and says so) when JsSIP cannot re-INVITE right now, e.g. while another re-INVITE is under way.
  setHold(line, hold) {
    if (line.held === hold) return true;
    const ok = hold ? line.session.hold() : line.session.unhold();
    if (!ok) this.fail('Hold could not be changed right now; try again in a moment.');
    return ok;
  }

  sendDtmf(key) {
    const line = this.line;
    if (line === null || line.state !== CallState.InCall) return;
    try {
      line.session.sendDTMF(key, { transportType: this.dtmfTransport, duration: 120, interToneGap: 80 });
      line.dtmfSent += key;
      this.onChange();
    } catch (error) {
      this.fail(`The key could not be sent (${error.message}).`);
    }
  }

  setDtmfTransport(kind) {
    this.dtmfTransport = kind === 'INFO' ? JsSIP.C.DTMF_TRANSPORT.INFO : JsSIP.C.DTMF_TRANSPORT.RFC2833;
  }

  fail(text) {
    this.lastError = text;
    this.onChange();
  }

  mediaOptions(microphoneStream) {
    return {
      ...(microphoneStream ? { mediaStream: microphoneStream } : { mediaConstraints: { audio: true, video: false } }),
      // 'balanced' accepts an answer without a=group:BUNDLE, which max-bundle would reject.
      pcConfig: { iceServers: this.iceServers, bundlePolicy: 'balanced', rtcpMuxPolicy: 'require' },
      rtcOfferConstraints: { offerToReceiveAudio: true, offerToReceiveVideo: false },
    };
  }

  adopt(session, originator) {
    if (this.lines.length >= MAX_LINES || (originator === 'remote' && this.line?.state === CallState.Incoming)) {
      // No room: the caller hears busy instead of interrupting the agent.
      if (originator === 'remote') session.terminate({ status_code: 486, reason_phrase: 'Busy Here' });
      return;
    }
    const line = new CallLine(session, originator);
    this.lines.push(line);
    const waiting = this.line !== null && originator === 'remote';
    if (!waiting) {
      this.line = line;
      this.lastEnd = null;
      this.quality = null;
      this.qualityProbe = null;
      this.mediaPath = null;
      // Connection recovery follows the call the agent talks on.
      this.recovery.newCall();
    }

    if (session.connection) this.watchConnection(line, session.connection);
    session.on('peerconnection', (e) => this.watchConnection(line, e.peerconnection));
    session.on('progress', (e) => { if (e.originator === 'remote') this.progress(line, e.response); });
    session.on('accepted', () => this.connected(line));
    session.on('confirmed', () => this.connected(line));
    session.on('muted', () => { line.muted = true; this.onChange(); });
    session.on('unmuted', () => { line.muted = false; this.onChange(); });
    session.on('hold', (e) => this.holdChanged(line, e.originator, true));
    session.on('unhold', (e) => this.holdChanged(line, e.originator, false));
    session.on('ended', (e) => this.endLine(line, e));
    session.on('failed', (e) => this.endLine(line, e));

    // Render first: the banner must be visible before its Answer button can take focus.
    this.onChange();
    if (originator === 'remote') this.onIncoming(waiting);
  }

  // 180 with no SDP: the far end rings and sends nothing, so the page plays its own ringback. 183 (or 180) with
  // SDP: JsSIP has applied the far end's early media, which is heard instead.
  progress(line, response) {
    if (line.state !== CallState.Outgoing || !response) return;
    if (response.body) {
      line.earlyMedia = true;
      line.ringing = false;
    } else if (response.status_code === 180 && !line.earlyMedia) {
      line.ringing = true;
    }
    this.onChange();
  }

  holdChanged(line, originator, held) {
    if (originator === 'local') line.held = held;
    else line.remoteHeld = held;
    this.onChange();
  }

  connected(line) {
    if (!this.lines.includes(line) || line.state === CallState.InCall) return;
    line.state = CallState.InCall;
    line.ringing = false;
    line.answeredAt = Date.now();
    this.onChange();
  }

  syncRingback() {
    const line = this.line;
    if (line !== null && line.state === CallState.Outgoing && line.ringing && !line.earlyMedia) this.ringback.start();
    else this.ringback.stop();
  }

  watchConnection(line, connection) {
    if (line.connection !== connection) {
      line.connection = connection;
      connection.addEventListener('track', (event) => {
        if (event.track.kind !== 'audio') return;
        // The track, not event.streams[0]: Chromium takes the track out of its stream while the call does not
        // receive (on hold), and puts it back on resume; the receiver's track itself stays the same.
        line.remoteStream = new MediaStream([event.track]);
        if (line === this.line) this.playRemote(line);
      });
    }
    if (line !== this.line || this.qualityProbe?.connection === connection) return;
    this.qualityProbe = new CallQualityProbe(connection);
    clearInterval(this.qualityTimer);
    this.qualityTimer = setInterval(() => this.sampleQuality(), 1000);
  }

  // The active line's audio goes to the speaker and the incoming meter; a held line's is not played.
  playRemote(line) {
    this.remoteAnalysis?.close();
    this.remoteAnalysis = null;
    this.frequencies = [];
    const stream = line.remoteStream;
    if (stream === null) {
      this.remoteAudio.srcObject = null;
      return;
    }
    // Chromium only feeds a remote track into Web Audio while a media element plays it.
    this.remoteAudio.srcObject = stream;
    this.remoteAudio.muted = false;
    this.remoteAudio.play().catch(() => {});
    this.remoteAnalysis = new AudioAnalysis(this.audioContext, stream);
  }

  async sampleQuality() {
    const probe = this.qualityProbe;
    if (probe === null || this.callState !== CallState.InCall) return;
    try {
      const sample = await probe.sample();
      const path = readPaths(await probe.connection.getStats()).selected;
      if (probe === this.qualityProbe) {
        this.quality = sample;
        this.mediaPath = path;
        this.onChange();
      }
    } catch {
      // The connection closed between the check and getStats(); the next call starts a new probe.
    }
  }

  // Called by the page's meter loop (10 times a second) so readings and display stay in step.
  readIncomingAudio() {
    if (this.remoteAnalysis === null) {
      this.incomingFrequencyHz = null;
      this.incomingLevelDb = null;
      return;
    }
    this.incomingLevelDb = this.remoteAnalysis.levelDb();
    const hz = this.remoteAnalysis.dominantFrequencyHz();
    if (hz === null) {
      this.frequencies = [];
      this.incomingFrequencyHz = null;
      return;
    }
    this.frequencies.push(hz);
    if (this.frequencies.length > FREQUENCY_HISTORY) this.frequencies.shift();
    // The median of the last readings: a single window straddling a packet loss concealment does not move it.
    const sorted = [...this.frequencies].sort((a, b) => a - b);
    this.incomingFrequencyHz = sorted[Math.floor(sorted.length / 2)];
  }

  endLine(line, e) {
    const index = this.lines.indexOf(line);
    if (index < 0) return;
    this.lines.splice(index, 1);
    line.releaseMicrophone();
    const wasActive = line === this.line;

    const originator = e?.originator ?? 'local';
    let text = null;
    if (e && e.cause && e.cause !== JsSIP.C.causes.BYE && e.cause !== JsSIP.C.causes.CANCELED) {
      text = callFailedText(e.cause, e.message);
    }
    const recovering = this.recovery.session !== null && this.recovery.session === line.session;
    this.recovery.callEnded(line.session);
    if (text !== null && originator !== 'local' && line.ending === null) this.lastError = text;
    if (line.ending === 'transferred') this.lastEnd = `Call with ${line.partyLabel()} transferred.`;
    else if (line.state === CallState.Incoming) this.lastEnd = originator === 'remote' ? `Missed call from ${line.partyLabel()}.` : 'Call rejected.';
    else if (line.answered) this.lastEnd = originator === 'remote' ? 'The other party hung up.' : 'Call ended.';
    else if (originator === 'local') this.lastEnd = 'Call cancelled.';
    else if (wasActive) this.lastEnd = null;
    if (recovering && this.recovery.state === RecoveryState.Lost) this.lastEnd = this.recovery.text;

    if (wasActive) {
      this.line = null;
      clearInterval(this.qualityTimer);
      this.qualityTimer = null;
      this.qualityProbe = null;
      this.quality = null;
      this.mediaPath = null;
      this.remoteAnalysis?.close();
      this.remoteAnalysis = null;
      this.frequencies = [];
      this.incomingFrequencyHz = null;
      this.incomingLevelDb = null;
      this.remoteAudio.srcObject = null;
      // The other call (held, or ringing as call waiting) is now the one shown; a held one stays held until
      // the agent resumes it.
      const next = this.lines[0];
      if (next !== undefined) this.activate(next);
    }
    this.transfer.lineEnded(line);
    this.onChange();
  }

  partyLabel() {
    return this.line?.partyLabel() ?? 'unknown caller';
  }
}
