// The phone's SIP side: one JsSIP user agent registered over WSS and at most one call.
// It knows nothing about the DOM; the page renders from its fields whenever it calls onChange.
import JsSIP from 'jssip';
import { AudioAnalysis } from './audio-analysis.js';
import { CallQualityProbe, rateQuality } from './call-quality.js';
import { apiBaseFromServerUrl, basicAuthorization, fetchIceServers } from './ice-servers.js';
import { describeNetworkCheck, readPaths, runNetworkCheck } from './network-check.js';
import { callFailedText, registrationErrorText, serverUnreachableText } from './plain-errors.js';
import { CallRecovery, RecoveryState } from './reconnect.js';

// Call states, in the order a call goes through them.
export const CallState = Object.freeze({
  Idle: 'idle',
  Outgoing: 'outgoing', // INVITE sent, waiting for an answer
  Incoming: 'incoming', // INVITE received, ringing here
  Connecting: 'connecting', // answered, waiting for the ACK / media
  InCall: 'in-call',
});

const FREQUENCY_HISTORY = 5;

export class Softphone {
  constructor({ audioContext, microphone, remoteAudio, onChange, onIncoming }) {
    this.audioContext = audioContext;
    this.microphone = microphone;
    this.remoteAudio = remoteAudio;
    this.onChange = onChange;
    this.onIncoming = onIncoming;

    this.ua = null;
    this.agentId = null;
    this.serverUrl = null;
    this.webSocket = 'offline'; // offline | connecting | connected | reconnecting
    this.registration = 'unregistered'; // unregistered | registering | registered | failed
    this.everConnected = false;
    this.signedIn = false; // true from the first successful REGISTER until sign-out

    this.session = null;
    this.callState = CallState.Idle;
    this.remoteParty = { name: '', number: '' };
    this.direction = null;
    this.muted = false;
    this.held = false;
    this.answeredAt = null;
    this.lastError = null;
    this.lastEnd = null;
    this.dtmfTransport = JsSIP.C.DTMF_TRANSPORT.RFC2833;
    this.dtmfSent = '';

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

  signOut() {
    const ua = this.ua;
    this.ua = null;
    if (this.session !== null) {
      try { this.session.terminate(); } catch { /* already over */ }
      this.endCall(null);
    }
    if (ua !== null) {
      try { ua.stop(); } catch { /* already stopped */ }
    }
    this.webSocket = 'offline';
    this.signedIn = false;
    if (this.registration !== 'failed') this.registration = 'unregistered';
    this.onChange();
  }

  call(target) {
    const number = target.trim();
    if (this.ua === null || this.registration !== 'registered') {
      this.fail('You are not signed in, so the call cannot be made.');
      return;
    }
    if (number === '') {
      this.fail('Type a number to call first.');
      return;
    }
    if (this.session !== null) return;
    this.lastError = null;
    this.audioContext.resume().catch(() => {});
    try {
      this.ua.call(number, this.mediaOptions());
    } catch (error) {
      this.fail(`"${number}" cannot be dialled (${error.message}).`);
    }
  }

  answer() {
    if (this.session === null || this.callState !== CallState.Incoming) return;
    this.audioContext.resume().catch(() => {});
    this.callState = CallState.Connecting;
    this.onChange();
    try {
      this.session.answer(this.mediaOptions());
    } catch (error) {
      // The caller gave up between the click and the answer; JsSIP has already ended the session.
      this.fail(`The call could not be answered (${error.message}).`);
    }
  }

  // Hang up, cancel or reject, whichever the current call needs.
  hangUp() {
    if (this.session === null) return;
    const rejecting = this.callState === CallState.Incoming;
    try {
      this.session.terminate(rejecting ? { status_code: 603, reason_phrase: 'Decline' } : undefined);
    } catch {
      this.endCall({ originator: 'local' });
    }
  }

  toggleMute() {
    if (this.session === null || this.callState !== CallState.InCall) return;
    if (this.session.isMuted().audio) this.session.unmute({ audio: true });
    else this.session.mute({ audio: true });
  }

  toggleHold() {
    if (this.session === null || this.callState !== CallState.InCall) return;
    const ok = this.held ? this.session.unhold() : this.session.hold();
    if (!ok) this.fail('Hold could not be changed right now; try again in a moment.');
  }

  sendDtmf(key) {
    if (this.session === null || this.callState !== CallState.InCall) return;
    try {
      this.session.sendDTMF(key, { transportType: this.dtmfTransport, duration: 120, interToneGap: 80 });
      this.dtmfSent += key;
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

  mediaOptions() {
    const stream = this.microphone.stream;
    return {
      ...(stream ? { mediaStream: stream } : { mediaConstraints: { audio: true, video: false } }),
      // 'balanced' accepts an answer without a=group:BUNDLE, which max-bundle would reject.
      pcConfig: { iceServers: this.iceServers, bundlePolicy: 'balanced', rtcpMuxPolicy: 'require' },
      rtcOfferConstraints: { offerToReceiveAudio: true, offerToReceiveVideo: false },
    };
  }

  adopt(session, originator) {
    if (this.session !== null) {
      // One call at a time: a second caller hears busy instead of interrupting the agent.
      if (originator === 'remote') session.terminate({ status_code: 486, reason_phrase: 'Busy Here' });
      return;
    }
    this.session = session;
    this.direction = originator === 'remote' ? 'incoming' : 'outgoing';
    this.callState = originator === 'remote' ? CallState.Incoming : CallState.Outgoing;
    this.remoteParty = {
      name: session.remote_identity?.display_name ?? '',
      number: session.remote_identity?.uri?.user ?? '',
    };
    this.muted = false;
    this.held = false;
    this.dtmfSent = '';
    this.lastEnd = null;
    this.quality = null;
    this.mediaPath = null;
    this.recovery.newCall();

    if (session.connection) this.watchConnection(session.connection);
    session.on('peerconnection', (e) => this.watchConnection(e.peerconnection));
    session.on('accepted', () => this.connected(session));
    session.on('confirmed', () => this.connected(session));
    session.on('muted', () => { this.muted = true; this.onChange(); });
    session.on('unmuted', () => { this.muted = false; this.onChange(); });
    session.on('hold', (e) => { if (e.originator === 'local') { this.held = true; this.onChange(); } });
    session.on('unhold', (e) => { if (e.originator === 'local') { this.held = false; this.onChange(); } });
    session.on('ended', (e) => { if (this.session === session) this.endCall(e); });
    session.on('failed', (e) => { if (this.session === session) this.endCall(e); });

    // Render first: the banner must be visible before its Answer button can take focus.
    this.onChange();
    if (originator === 'remote') this.onIncoming();
  }

  connected(session) {
    if (this.session !== session || this.callState === CallState.InCall) return;
    this.callState = CallState.InCall;
    this.answeredAt = Date.now();
    this.onChange();
  }

  watchConnection(connection) {
    if (this.qualityProbe?.connection === connection) return;
    this.qualityProbe = new CallQualityProbe(connection);
    connection.addEventListener('track', (event) => {
      if (event.track.kind !== 'audio') return;
      const stream = event.streams[0] ?? new MediaStream([event.track]);
      // Chromium only feeds a remote track into Web Audio while a media element plays it.
      this.remoteAudio.srcObject = stream;
      this.remoteAudio.muted = false;
      this.remoteAudio.play().catch(() => {});
      this.remoteAnalysis?.close();
      this.remoteAnalysis = new AudioAnalysis(this.audioContext, stream);
      this.frequencies = [];
    });
    clearInterval(this.qualityTimer);
    this.qualityTimer = setInterval(() => this.sampleQuality(), 1000);
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

  endCall(e) {
    const originator = e?.originator ?? 'local';
    let text = null;
    if (e && e.cause && e.cause !== JsSIP.C.causes.BYE && e.cause !== JsSIP.C.causes.CANCELED) {
      text = callFailedText(e.cause, e.message);
    }
    this.recovery.callEnded(this.session);
    const wasAnswered = this.callState === CallState.InCall;
    const wasIncoming = this.callState === CallState.Incoming;
    if (text !== null && originator !== 'local') this.lastError = text;
    if (wasIncoming) this.lastEnd = originator === 'remote' ? `Missed call from ${this.partyLabel()}.` : 'Call rejected.';
    else if (wasAnswered) this.lastEnd = originator === 'remote' ? 'The other party hung up.' : 'Call ended.';
    else if (originator === 'local') this.lastEnd = 'Call cancelled.';
    else this.lastEnd = null;
    if (this.recovery.state === RecoveryState.Lost) this.lastEnd = this.recovery.text;

    this.session = null;
    this.callState = CallState.Idle;
    this.direction = null;
    this.muted = false;
    this.held = false;
    this.answeredAt = null;
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
    this.microphone.enable();
    this.onChange();
  }

  partyLabel() {
    const { name, number } = this.remoteParty;
    if (name && number && name !== number) return `${name} (${number})`;
    return name || number || 'unknown caller';
  }
}
