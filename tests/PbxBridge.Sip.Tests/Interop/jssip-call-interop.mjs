// Real JsSIP 3.13 calls through PbxBridge's stack in node. Media is out of scope here (the Chromium tests cover it),
// so RTCPeerConnection is a stand-in that hands JsSIP an SDP and accepts any answer; everything SIP is JsSIP's own.
// usage: node --experimental-websocket jssip-call-interop.mjs <ws-url> <outgoing|incoming> <password> <node_modules dir>
import { createRequire } from 'node:module';
import path from 'node:path';

const [url, mode, password, modules] = process.argv.slice(2);
const log = (event, extra = {}) => console.log(JSON.stringify({ event, ...extra }));
const done = (code) => setTimeout(() => process.exit(code), 50);
setTimeout(() => { log('timeout'); done(2); }, 25000);

const OFFER = 'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=rtpmap:111 opus/48000/2\r\na=sendrecv\r\n';

class StandInPeerConnection extends EventTarget {
  constructor() {
    super();
    this.signalingState = 'stable';
    this.iceGatheringState = 'new';
    this.iceConnectionState = 'new';
    this.connectionState = 'new';
    this.localDescription = null;
    this.remoteDescription = null;
  }
  addTrack() { return {}; }
  getSenders() { return []; }
  getReceivers() { return []; }
  getTransceivers() { return []; }
  getLocalStreams() { return []; }
  getRemoteStreams() { return []; }
  async createOffer() { return { type: 'offer', sdp: OFFER }; }
  async createAnswer() { return { type: 'answer', sdp: OFFER }; }
  async setLocalDescription(d) {
    this.localDescription = d;
    this.signalingState = d.type === 'offer' ? 'have-local-offer' : 'stable';
    this.iceGatheringState = 'complete';
  }
  async setRemoteDescription(d) {
    this.remoteDescription = d;
    this.signalingState = d.type === 'offer' ? 'have-remote-offer' : 'stable';
  }
  close() { this.signalingState = 'closed'; }
}
globalThis.RTCPeerConnection = StandInPeerConnection;
globalThis.window ??= globalThis;
globalThis.RTCSessionDescription = class { constructor(init) { this.type = init.type; this.sdp = init.sdp; } };
const mediaStream = { getTracks: () => [], getAudioTracks: () => [], getVideoTracks: () => [] };

const require = createRequire(path.join(modules, 'noop.js'));
const JsSIP = require('jssip');
const ua = new JsSIP.UA({ sockets: [new JsSIP.WebSocketInterface(url)], uri: 'sip:1001@pbxbridge', password, register: false });

function watch(session) {
  session.on('progress', (e) => log('progress', { status: e.response ? e.response.status_code : 0 }));
  session.on('accepted', () => log('accepted'));
  session.on('confirmed', () => {
    log('confirmed');
    if (mode === 'outgoing') {
      session.sendDTMF('5', { duration: 160 });
      setTimeout(() => session.terminate(), 500);
    }
  });
  session.on('failed', (e) => { log('failed', { cause: e.cause }); ua.stop(); done(0); });
  session.on('ended', (e) => { log('ended', { originator: e.originator, cause: e.cause }); ua.stop(); done(0); });
}

ua.on('registered', () => {
  log('registered');
  if (mode === 'outgoing') {
    watch(ua.call('sip:600@pbxbridge', { mediaStream, pcConfig: {} }));
  }
});
ua.on('registrationFailed', (e) => { log('registrationFailed', { cause: e.cause }); done(1); });
ua.on('newRTCSession', ({ session, originator }) => {
  if (originator !== 'remote') return;
  log('incoming', { from: session.remote_identity.uri.user, display: session.remote_identity.display_name });
  watch(session);
  session.answer({ mediaStream, pcConfig: {} });
});
ua.on('connected', () => ua.register());
ua.start();
