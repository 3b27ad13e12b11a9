// One agent's softphone in headless Chromium, driven command by command from a test (C# AgentBrowser) instead of
// running a fixed scenario: a real PBX scenario interleaves what the browser does with what the PBX does.
//   node agent/agent.mjs --library=jssip|sipjs --wav=/abs/mic.wav
// Commands arrive on stdin, one JSON object a line: {"id":1,"op":"register","url":"https://...","agent":"1001","password":"..."}.
// Each gets one answer line on stdout: {"id":1,"ok":true,"result":...} or {"id":1,"ok":false,"error":"..."}.
// Ops: register, unregister, call {dial}, callEarly {dial} (resolves at a 183 with SDP), waitConfirmed, waitIncoming {timeoutMs},
// answer, reject {status}, focus {line} (0 = the oldest call: what hold, unhold, hangup and the probe act on), waitSound {timeoutMs}, tone {ms}, stats, dtmf {tones}, hold, unhold, remoteHold {held, timeoutMs}, hangup, waitEnd {timeoutMs},
// refer {target, attended}, calls, networkChange {oldAddress, newAddress, device} (lib/network-change.mjs: only when
// the script runs in the browser's own namespace), close. Progress goes to stderr.
import { createInterface } from 'node:readline';
import { launchChromium } from '../lib/chromium.mjs';
import { changeNetwork } from '../lib/network-change.mjs';
import { scenarioArgs, log } from '../lib/scenario.mjs';
import { toneProbeScript, measureTone, waitForSound } from '../lib/tone.mjs';
import { bundleLibrary } from '../sip/bundle.mjs';
import { jssipPage } from '../sip/jssip-page.mjs';
import { sipjsPage } from '../sip/sipjs-page.mjs';

const args = scenarioArgs({ library: undefined, wav: '' });
const browser = await launchChromium({ fakeAudioWav: args.wav || undefined });
const { page } = browser;
await page.addInitScript(toneProbeScript);
let host = '127.0.0.1';

// Chromium aborts a navigation with ERR_NETWORK_CHANGED when an interface or address of its namespace comes or goes
// (the network-change scenarios add and remove them around a freshly launched browser); a user would load the page
// again, and so does the agent, a few times, before failing.
async function gotoThroughNetworkChange(target) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await page.goto(target);
    } catch (e) {
      if (attempt >= 4 || !String(e?.message).includes('ERR_NETWORK_CHANGED')) throw e;
      await new Promise((resolve) => setTimeout(resolve, 250 * attempt));
    }
  }
}

const ops = {
  async register({ url, agent, password, keepRegistered = false }) {
    host = new URL(url).hostname;
    await gotoThroughNetworkChange(`${url}/healthz`);
    await page.addScriptTag({ content: await bundleLibrary(args.library) });
    await page.addScriptTag({ content: args.library === 'jssip' ? jssipPage : sipjsPage });
    const wss = url.replace('https://', 'wss://') + '/sip';
    const registration = await page.evaluate((o) => window.phone.register(o), { wss, host, agent, password, keepRegistered });
    if (registration.state !== 'registered') throw new Error(`registration failed: ${JSON.stringify(registration)}`);
    return registration;
  },
  unregister: () => page.evaluate(() => window.phone.unregister()),
  callEarly: ({ dial }) => page.evaluate((o) => window.phone.callEarly(o), { dial, host }),
  waitConfirmed: () => page.evaluate(() => window.phone.waitConfirmed()),
  call: ({ dial }) => page.evaluate((o) => window.phone.call(o), { dial, host, action: 'call' }),
  waitIncoming: ({ timeoutMs = 30000, fresh = false }) => page.evaluate(([t, f]) => window.phone.waitForIncoming(t, f), [timeoutMs, fresh]),
  answer: () => page.evaluate(() => window.phone.answer()),
  reject: ({ status = 486 }) => page.evaluate((o) => window.phone.reject(o), { status }),
  focus: ({ line }) => page.evaluate((o) => window.phone.focus(o), { line }),
  waitSound: ({ timeoutMs = 15000 }) => waitForSound(page, timeoutMs),
  tone: ({ ms = 2500 }) => measureTone(page, { durationMs: ms }),
  stats: () => page.evaluate(() => window.phone.stats()),
  dtmf: ({ tones }) => page.evaluate((t) => window.phone.sendDtmf(t), tones),
  hold: () => page.evaluate(() => window.phone.hold()),
  unhold: () => page.evaluate(() => window.phone.unhold()),
  remoteHold: ({ held, timeoutMs = 15000 }) => page.evaluate((o) => window.phone.waitRemoteHold(o), { held, timeoutMs }),
  hangup: () => page.evaluate(() => window.phone.hangup()),
  // Blind: REFER to target on the current call. Attended: REFER on the held first call, replacing the current one.
  refer: ({ target = '', attended = false }) => page.evaluate((o) => window.phone.refer(o), { target, host, attended }),
  calls: () => page.evaluate(() => window.phone.calls()),
  waitEnd: ({ timeoutMs = 20000 }) => page.evaluate((t) => window.phone.waitForEnd(t), timeoutMs),
  async networkChange({ oldAddress, newAddress, device }) {
    const recovered = await changeNetwork(page, { oldAddress, newAddress, device });
    if (recovered.state !== 'renegotiated') throw new Error(`the call was not recovered: ${JSON.stringify(recovered)}`);
    return recovered;
  },
  async close() {
    await browser.close();
    return {};
  },
};

function reply(line) {
  process.stdout.write(`${JSON.stringify(line)}\n`);
}

reply({ id: 0, ok: true, result: { ready: true } });
const input = createInterface({ input: process.stdin });
for await (const line of input) {
  if (!line.trim()) continue;
  let command;
  try {
    command = JSON.parse(line);
  } catch (error) {
    reply({ id: -1, ok: false, error: `not JSON: ${error.message}` });
    continue;
  }
  const { id, op, ...rest } = command;
  log(`${args.library}: ${op} ${JSON.stringify(rest)}`);
  try {
    if (!(op in ops)) throw new Error(`unknown op ${op}`);
    const result = await ops[op](rest);
    reply({ id, ok: true, result: result ?? null });
    if (op === 'close') break;
  } catch (error) {
    log(error?.stack ?? String(error));
    reply({ id, ok: false, error: String(error?.message ?? error), console: browser.consoleLines.slice(-6).map((l) => l.slice(0, 400)) });
  }
}
await browser.close();
process.exit(0);
