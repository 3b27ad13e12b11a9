// Page-side softphone on SIP.js 0.21 (window.SIP from the bundle) through its UserAgent/Registerer/Inviter API,
// the way SIP.js-based phones are written. Same window.phone surface as jssip-page.mjs.
import { collectStats } from './jssip-page.mjs';

function install() {
  const SIP = window.SIP;
  const media = { constraints: { audio: { echoCancellation: false, noiseSuppression: false, autoGainControl: false }, video: false } };
  let ua = null;
  let session = null;
  let incoming = null;
  let ended = null;

  function watch(s) {
    session = s;
    let attached = false;
    ended = new Promise((resolve) => {
      s.stateChange.addListener((state) => {
        if (state === SIP.SessionState.Established && !attached && !s.pbxProbeAttached) {
          attached = true;
          const pc = s.sessionDescriptionHandler.peerConnection;
          const stream = new MediaStream();
          pc.getReceivers().forEach((r) => r.track && stream.addTrack(r.track));
          window.pbxToneProbe.attach(stream);
        }
        if (state === SIP.SessionState.Terminated) resolve({ state: 'terminated', byeFromRemote: s.pbxByeFromRemote === true });
      });
    });
  }

  let registerer = null;

  // Signing out: REGISTER with Expires: 0, the WebSocket stays open.
  function unregister() {
    return new Promise((resolve) => {
      registerer.stateChange.addListener((state) => {
        if (state === SIP.RegistererState.Unregistered) resolve({ state: 'unregistered' });
      });
      registerer.unregister().catch((e) => resolve({ state: 'failed', cause: String(e) }));
    });
  }

  async function register({ wss, host, agent, password }) {
    ua = new SIP.UserAgent({
      uri: SIP.UserAgent.makeURI(`sip:${agent}@${host}`),
      transportOptions: { server: wss },
      authorizationUsername: agent,
      authorizationPassword: password,
      userAgentString: 'PbxBridge test (SIP.js)',
      sessionDescriptionHandlerFactoryOptions: { peerConnectionConfiguration: { iceServers: [] } },
      delegate: {
        onInvite: (invitation) => {
          incoming = invitation;
          invitation.delegate = { onBye: () => { invitation.pbxByeFromRemote = true; } };
          watch(invitation);
        },
      },
    });
    await ua.start();
    registerer = new SIP.Registerer(ua);
    return new Promise((resolve) => {
      registerer.stateChange.addListener((state) => {
        if (state === SIP.RegistererState.Registered) resolve({ state: 'registered' });
      });
      registerer.register({
        requestDelegate: {
          onReject: (response) => resolve({ state: 'failed', status: response.message.statusCode }),
        },
      }).catch((e) => resolve({ state: 'failed', cause: String(e) }));
    });
  }

  // Dials with SIP.js's earlyMedia option (without it SIP.js ignores SDP in a 183 and waits for the 200's) and resolves
  // at the first provisional response carrying SDP, or with the call's outcome when none comes.
  let confirmed = null;
  function callEarly({ dial, host }) {
    return new Promise((resolve) => {
      const inviter = new SIP.Inviter(ua, SIP.UserAgent.makeURI(`sip:${dial}@${host}`), { sessionDescriptionHandlerOptions: media, earlyMedia: true });
      inviter.delegate = { onBye: () => { inviter.pbxByeFromRemote = true; } };
      watch(inviter);
      const progress = [];
      confirmed = new Promise((done) => {
        inviter.stateChange.addListener((state) => {
          if (state === SIP.SessionState.Established) done({ state: 'confirmed', progress, at: Date.now() });
        });
        inviter.invite({
          requestDelegate: {
            onProgress: (response) => {
              progress.push(response.message.statusCode);
              if (response.message.body) {
                // What a SIP.js app does with early media: play the receivers' tracks before the session is established.
                if (!inviter.pbxProbeAttached && inviter.sessionDescriptionHandler) {
                  inviter.pbxProbeAttached = true;
                  const stream = new MediaStream();
                  inviter.sessionDescriptionHandler.peerConnection.getReceivers().forEach((r) => r.track && stream.addTrack(r.track));
                  window.pbxToneProbe.attach(stream);
                }
                resolve({ state: 'early', progress: [...progress] });
              }
            },
            onReject: (response) => done({ state: 'failed', status: response.message.statusCode, progress }),
          },
        }).catch((e) => done({ state: 'failed', cause: String(e), progress }));
      });
      confirmed.then(resolve);
    });
  }

  function waitConfirmed() {
    return confirmed;
  }

  function call({ dial, host, action }) {
    return new Promise((resolve) => {
      const inviter = new SIP.Inviter(ua, SIP.UserAgent.makeURI(`sip:${dial}@${host}`), { sessionDescriptionHandlerOptions: media });
      inviter.delegate = { onBye: () => { inviter.pbxByeFromRemote = true; } };
      watch(inviter);
      const progress = [];
      inviter.stateChange.addListener((state) => {
        if (state === SIP.SessionState.Established) resolve({ state: 'confirmed', progress });
      });
      inviter.invite({
        requestDelegate: {
          onProgress: (response) => {
            progress.push(response.message.statusCode);
            if (action === 'cancel' && response.message.statusCode === 180) setTimeout(() => inviter.cancel(), 300);
          },
          onReject: (response) => resolve({ state: 'failed', status: response.message.statusCode, reason: response.message.getHeader('Reason') ?? null, progress }),
        },
      }).catch((e) => resolve({ state: 'failed', cause: String(e), progress }));
    });
  }

  // SIP.js's Web handler sends DTMF through the peer connection's RTCDTMFSender: RFC 4733 events in the SRTP.
  function sendDtmf(tones) {
    if (!session.sessionDescriptionHandler.sendDtmf(tones, { duration: 100, interToneGap: 100 })) throw new Error('RTCDTMFSender refused the tones');
    return { transport: 'RFC4733' };
  }

  // SIP.js's hold, as its SimpleUser does it: a re-INVITE with the handler's hold option (a=sendonly, or inactive
  // when the far end holds too); resume re-INVITEs without it. Resolves once the re-INVITE was accepted.
  function setHold(held) {
    session.sessionDescriptionHandlerOptionsReInvite = { ...session.sessionDescriptionHandlerOptionsReInvite, hold: held };
    return new Promise((resolve, reject) => {
      session.invite({
        requestDelegate: {
          onAccept: () => resolve({ held }),
          onReject: (response) => reject(new Error(`re-INVITE refused: ${response.message.statusCode}`)),
        },
      }).catch(reject);
    });
  }

  const hold = () => setHold(true);
  const unhold = () => setHold(false);

  async function hangup() {
    await session.bye();
    return ended;
  }

  function waitForIncoming(timeoutMs) {
    return new Promise((resolve, reject) => {
      const started = Date.now();
      const poll = () => {
        if (incoming) resolve({ from: incoming.remoteIdentity.uri.user, display: incoming.remoteIdentity.displayName ?? null });
        else if (Date.now() - started > timeoutMs) reject(new Error('no incoming call'));
        else setTimeout(poll, 50);
      };
      poll();
    });
  }

  async function answer() {
    await incoming.accept({ sessionDescriptionHandlerOptions: media });
    return { state: 'confirmed' };
  }

  function waitForEnd(timeoutMs) {
    return Promise.race([ended, new Promise((resolve) => setTimeout(() => resolve({ timeout: true }), timeoutMs))]);
  }

  async function stats() {
    return window.pbxCollectStats(session.sessionDescriptionHandler.peerConnection);
  }

  window.phone = { register, unregister, call, callEarly, waitConfirmed, hangup, waitForIncoming, answer, waitForEnd, stats, sendDtmf, hold, unhold };
}

export const sipjsPage = `${collectStats.toString()}; window.pbxCollectStats = collectStats; (${install.toString()})();`;
