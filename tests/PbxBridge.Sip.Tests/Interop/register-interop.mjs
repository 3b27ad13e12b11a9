// Drives the real JsSIP 3.13 / SIP.js 0.21 libraries (from tests/browser/node_modules) against PbxBridge's SIP
// stack over a WebSocket, in node (no browser: registration needs no WebRTC). Prints one JSON line per event.
// usage: node --experimental-websocket register-interop.mjs <ws-url> <jssip|sipjs> <password> <node_modules dir>
import { createRequire } from 'node:module';
import path from 'node:path';

const [url, library, password, modules] = process.argv.slice(2);
const log = (event, extra = {}) => console.log(JSON.stringify({ event, ...extra }));
const done = (code) => setTimeout(() => process.exit(code), 50);
setTimeout(() => { log('timeout'); done(2); }, 20000);

if (library === 'jssip') {
  const require = createRequire(path.join(modules, 'noop.js'));
  const JsSIP = require('jssip');
  if (process.env.SIP_INTEROP_DEBUG) JsSIP.debug.enable('JsSIP:*');
  const ua = new JsSIP.UA({
    sockets: [new JsSIP.WebSocketInterface(url)],
    uri: 'sip:1001@pbxbridge',
    password,
    register: false,
    register_expires: 600,
  });
  ua.on('registered', (e) => {
    log('registered', { status: e.response.status_code, contacts: e.response.getHeaders('Contact') });
    ua.unregister();
  });
  ua.on('unregistered', () => { log('unregistered'); ua.stop(); done(0); });
  ua.on('registrationFailed', (e) => {
    log('registrationFailed', { cause: e.cause, status: e.response ? e.response.status_code : 0 });
    ua.stop();
    done(0);
  });
  ua.on('connected', () => ua.register());
  ua.start();
} else {
  const { UserAgent, Registerer, RegistererState } = await import(path.join(modules, 'sip.js', 'lib', 'index.js'));
  const ua = new UserAgent({
    uri: UserAgent.makeURI('sip:1001@pbxbridge'),
    transportOptions: { server: url },
    authorizationUsername: '1001',
    authorizationPassword: password,
    logLevel: process.env.SIP_INTEROP_DEBUG ? 'debug' : 'error',
  });
  await ua.start();
  const registerer = new Registerer(ua, { expires: 600 });
  let registered = false;
  registerer.stateChange.addListener(async (state) => {
    if (state === RegistererState.Registered) {
      registered = true;
      log('registered', { status: 200 });
      // The Registered state is entered before the REGISTER transaction is released ("waiting").
      setTimeout(() => registerer.unregister(), 100);
    } else if (state === RegistererState.Unregistered && registered) {
      log('unregistered');
      await ua.stop();
      done(0);
    }
  });
  await registerer.register({
    requestDelegate: {
      onReject: async (response) => {
        log('registrationFailed', { status: response.message.statusCode });
        await ua.stop();
        done(0);
      },
    },
  });
}
