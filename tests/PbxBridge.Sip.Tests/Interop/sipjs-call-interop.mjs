// Real SIP.js 0.21 calls through PbxBridge's stack in node. SIP.js lets the application supply the
// SessionDescriptionHandler, so media is a stand-in that offers/answers a fixed SDP; everything SIP is SIP.js's own.
// usage: node --experimental-websocket sipjs-call-interop.mjs <ws-url> <outgoing|incoming> <password> <node_modules dir>
import path from 'node:path';

const [url, mode, password, modules] = process.argv.slice(2);
const log = (event, extra = {}) => console.log(JSON.stringify({ event, ...extra }));
const done = (code) => setTimeout(() => process.exit(code), 50);
setTimeout(() => { log('timeout'); done(2); }, 25000);

const SDP = 'v=0\r\no=- 2 2 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=rtpmap:111 opus/48000/2\r\na=sendrecv\r\n';
const { UserAgent, Registerer, RegistererState, Inviter, SessionState } = await import(path.join(modules, 'sip.js', 'lib', 'index.js'));

const sessionDescriptionHandlerFactory = () => ({
  getDescription: async () => ({ body: SDP, contentType: 'application/sdp' }),
  setDescription: async () => {},
  hasDescription: (contentType) => contentType === 'application/sdp',
  rollbackDescription: async () => {},
  sendDtmf: () => false,
  close: () => {},
});

let ua;
function watch(session) {
  session.stateChange.addListener(async (state) => {
    if (state === SessionState.Established) {
      log('established');
      if (mode === 'outgoing') {
        await session.info({ requestOptions: { body: { contentDisposition: 'render', contentType: 'application/dtmf-relay', content: 'Signal=7\r\nDuration=100\r\n' } } });
        log('info-sent');
        setTimeout(() => session.bye(), 300);
      }
    } else if (state === SessionState.Terminated) {
      log('ended');
      await ua.stop();
      done(0);
    }
  });
}

ua = new UserAgent({
  uri: UserAgent.makeURI('sip:1001@pbxbridge'),
  transportOptions: { server: url },
  authorizationUsername: '1001',
  authorizationPassword: password,
  logLevel: 'error',
  sessionDescriptionHandlerFactory,
  delegate: {
    onInvite: (invitation) => {
      log('incoming', { from: invitation.remoteIdentity.uri.user });
      watch(invitation);
      invitation.accept();
    },
  },
});
await ua.start();
const registerer = new Registerer(ua, { expires: 600 });
let registered = false;
registerer.stateChange.addListener((state) => {
  if (state !== RegistererState.Registered || registered) return;
  registered = true;
  log('registered');
  if (mode === 'outgoing') {
    const inviter = new Inviter(ua, UserAgent.makeURI('sip:600@pbxbridge'));
    watch(inviter);
    inviter.invite({ requestDelegate: { onProgress: (r) => log('progress', { status: r.message.statusCode }), onAccept: () => log('accepted') } });
  }
});
await registerer.register();
