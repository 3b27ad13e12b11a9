// Page-side softphone on SIP.js 0.21 (window.SIP from the bundle) through its UserAgent/Registerer/Inviter API,
// the way SIP.js-based phones are written. Same window.phone surface as jssip-page.mjs.
import { collectStats } from './jssip-page.mjs';

function install() {
  const SIP = window.SIP;
  const media = { constraints: { audio: { echoCancellation: false, noiseSuppression: false, autoGainControl: false }, video: false } };
  let ua = null;
  let registerer = null;
  let session = null;
  let incoming = null;
  let ended = null;
  // Every live call, oldest first: an attended transfer holds the first while it consults on the second.
  const calls = [];

  function listen(s) {
    const pc = s.sessionDescriptionHandler?.peerConnection;
    if (!pc) return;
    const stream = new MediaStream();
    pc.getReceivers().forEach((r) => r.track && stream.addTrack(r.track));
    window.pbxToneProbe.attach(stream);
  }

  function watch(s) {
    session = s;
    let attached = false;
    const entry = { session: s };
    entry.ended = new Promise((resolve) => {
      s.stateChange.addListener((state) => {
        if (state === SIP.SessionState.Established && !attached && !s.pbxProbeAttached) {
          attached = true;
          listen(s);
        }
        if (state === SIP.SessionState.Terminated) {
          calls.splice(calls.indexOf(entry), 1);
          if (session === s && calls.length > 0) {
            // Back to the call that waited (the consultation ended): the probe listens to it again.
            session = calls[calls.length - 1].session;
            ended = calls[calls.length - 1].ended;
            listen(session);
          }
          resolve({ state: 'terminated', byeFromRemote: s.pbxByeFromRemote === true });
        }
      });
    });
    calls.push(entry);
    ended = entry.ended;
  }

  // RFC 3515 REFER as SIP.js phones send it: Session.refer(uri) for a blind transfer, Session.refer(otherSession)
  // (Refer-To with Replaces) for an attended one, sent on the held first call. NOTIFYs are accepted and their sipfrag
  // statuses collected; on a 2xx the phone sends BYE on the transferred call, as SIP.js's SimpleUser does.
  function refer({ target, host, attended }) {
    const transferred = attended ? calls[calls.length - 2].session : calls[calls.length - 1].session;
    const to = attended ? calls[calls.length - 1].session : SIP.UserAgent.makeURI(`sip:${target}@${host}`);
    return new Promise((resolve) => {
      const statuses = [];
      transferred.refer(to, {
        requestDelegate: { onReject: (response) => resolve({ outcome: 'rejected', status: response.message.statusCode, statuses }) },
        onNotify: (notification) => {
          notification.accept();
          const status = Number(/^SIP\/2\.0 (\d{3})/.exec(notification.request.body ?? '')?.[1] ?? 0);
          statuses.push(status);
          if (status >= 200 && status < 300) {
            transferred.bye().catch(() => {});
            resolve({ outcome: 'accepted', status, statuses });
          } else if (status >= 300) {
            resolve({ outcome: 'failed', status, statuses });
          }
        },
      }).catch((e) => resolve({ outcome: 'rejected', cause: String(e), statuses }));
    });
  }

  // Signing out: REGISTER with Expires: 0, the WebSocket stays open.
  function unregister() {
    return new Promise((resolve) => {
      registerer.stateChange.addListener((state) => {
        if (state === SIP.RegistererState.Unregistered) resolve({ state: 'unregistered' });
      });
      registerer.unregister().catch((e) => resolve({ state: 'failed', cause: String(e) }));
    });
  }

  // keepRegistered: what a SIP.js app does to stay reachable (SIP.js leaves it to the app): when the WebSocket drops,
  // connect again (through the cluster front: possibly to another node) until it works, then REGISTER again.
  function stayRegistered() {
    ua.delegate = { ...ua.delegate, onDisconnect: async (error) => {
      if (!error) return;
      for (;;) {
        await new Promise((r) => setTimeout(r, 1000));
        try {
          await ua.reconnect();
          await registerer.register();
          return;
        } catch {
          // The front had no node for us yet: try again.
        }
      }
    } };
  }

  async function register({ wss, host, agent, password, servers, keepRegistered }) {
    ua = new SIP.UserAgent({
      uri: SIP.UserAgent.makeURI(`sip:${agent}@${host}`),
      transportOptions: { server: wss },
      authorizationUsername: agent,
      authorizationPassword: password,
      userAgentString: 'PbxBridge test (SIP.js)',
      sessionDescriptionHandlerFactoryOptions: { peerConnectionConfiguration: { iceServers: servers ?? [] } },
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
    if (keepRegistered) stayRegistered();
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

  // SIP.js answers the PBX's hold re-INVITE (a=sendonly or inactive) and emits no event: the held side reads it from
  // its transceiver, whose negotiated direction becomes recvonly (or inactive). Resolves once that says `held`.
  async function waitRemoteHold({ held, timeoutMs }) {
    const direction = () => session.sessionDescriptionHandler?.peerConnection?.getTransceivers()[0]?.currentDirection ?? null;
    const remoteHeld = () => ['recvonly', 'inactive'].includes(direction());
    const deadline = Date.now() + timeoutMs;
    while (remoteHeld() !== held && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    return { held: remoteHeld(), direction: direction() };
  }

  const hold = () => setHold(true);
  const unhold = () => setHold(false);

  async function hangup() {
    // This call's end, taken first: once it ends, the call that waited (if any) becomes the current one.
    const ending = ended;
    await session.bye();
    return ending;
  }

  // fresh: wait for a call after the one the page already had (an agent that was rung before, e.g. by a queue).
  function waitForIncoming(timeoutMs, fresh = false) {
    const before = fresh ? incoming : null;
    return new Promise((resolve, reject) => {
      const started = Date.now();
      const poll = () => {
        // A call the page already had (fresh), or one that has already ended (an earlier call of this page), is not the one waited for.
        if (incoming && incoming !== before && incoming.state !== SIP.SessionState.Terminated) resolve({ from: incoming.remoteIdentity.uri.user, display: incoming.remoteIdentity.displayName ?? null });
        else if (Date.now() - started > timeoutMs) reject(new Error('no incoming call'));
        else setTimeout(poll, 50);
      };
      poll();
    });
  }

  // Answers the ringing call; from then on waitForIncoming waits for the next one (call waiting).
  async function answer() {
    const ringing = incoming;
    incoming = null;
    await ringing.accept({ sessionDescriptionHandlerOptions: media });
    return { state: 'confirmed' };
  }

  // Declines the ringing call (call waiting: 486 Busy Here), the call in progress goes on.
  async function reject({ status }) {
    const ringing = incoming;
    incoming = null;
    await ringing.reject({ statusCode: status });
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
    return window.pbxCollectStats(session.sessionDescriptionHandler.peerConnection);
  }

  // Issue 23, the network under the page changes and the OS drops the WebSocket: SIP.js leaves reconnecting to the
  // application, which (as SIP.js's own guide does) reconnects, registers again, and re-offers the call with an
  // ICE restart on the new connection. Call before the change.
  function recoverCall(timeoutMs) {
    return new Promise((resolve) => {
      const started = Date.now();
      const timer = setTimeout(() => resolve({ state: 'timeout' }), timeoutMs);
      const done = (result) => { clearTimeout(timer); resolve(result); };
      ua.delegate = { ...ua.delegate, onDisconnect: async () => {
        for (;;) {
          try {
            await ua.reconnect();
            break;
          } catch {
            await new Promise((r) => setTimeout(r, 1000));
          }
        }
        await new Promise((registered) => {
          registerer.register({ requestDelegate: { onAccept: () => registered() } }).catch((e) => done({ state: 'register failed', cause: String(e) }));
        });
        session.invite({
          sessionDescriptionHandlerOptions: { ...media, offerOptions: { iceRestart: true } },
          requestDelegate: {
            onAccept: () => done({ state: 'renegotiated', afterMs: Date.now() - started }),
            onReject: (response) => done({ state: 'rejected', status: response.message.statusCode }),
          },
        }).catch((e) => done({ state: 'invite failed', cause: String(e) }));
      } };
    });
  }

  window.phone = { waitRemoteHold, register, unregister, call, callEarly, waitConfirmed, hangup, waitForIncoming, answer, reject, focus, waitForEnd, stats, sendDtmf, hold, unhold, recoverCall, refer, calls: () => calls.length };
}

export const sipjsPage = `${collectStats.toString()}; window.pbxCollectStats = collectStats; (${install.toString()})();`;
