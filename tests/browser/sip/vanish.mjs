// A browser that vanishes in the middle of a call: SIP.js (or JsSIP) in Chromium registers, calls, hears audio,
// and then every Chromium process gets a signal behind the SIP library's back, so no BYE is ever sent:
//   --signal=SIGKILL  the browser crashes: its kernel closes the WSS connection, ICE consent checks stop.
//   --signal=SIGSTOP  the machine or its network is gone: the connection stays open but silent, no more consent
//                     checks (RFC 7675). The browser stays frozen until PbxBridge's /api/calls is empty (or
//                     --releaseAfterMs passed), then it is killed.
//   node sip/vanish.mjs --library=sipjs --url=https://127.0.0.1:8443 --agent=1001 --password=... --dial=601 \
//        --wav=/abs/tone700.wav --signal=SIGSTOP [--releaseAfterMs=40000]
// Prints one JSON line with vanishedAt and callGoneAt (epoch ms, this machine's clock, for the test to compare
// with what the PBX saw).
import { request } from 'playwright-core';
import { launchChromium } from '../lib/chromium.mjs';
import { scenarioArgs, log, runScenario } from '../lib/scenario.mjs';
import { toneProbeScript, waitForSound } from '../lib/tone.mjs';
import { bundleLibrary } from './bundle.mjs';
import { jssipPage } from './jssip-page.mjs';
import { sipjsPage } from './sipjs-page.mjs';

const args = scenarioArgs({
  library: 'sipjs', url: undefined, agent: '1001', password: undefined, dial: '601', wav: '', signal: 'SIGSTOP', releaseAfterMs: '40000',
});
if (args.signal !== 'SIGSTOP' && args.signal !== 'SIGKILL') throw new Error(`--signal must be SIGSTOP or SIGKILL, got ${args.signal}`);

// The admin API answers loopback; this client runs in node, so it works while Chromium is frozen.
async function waitUntilNoCall(admin, timeoutMs) {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    const response = await admin.get(`${args.url}/api/calls`);
    if (response.ok() && (await response.json()).length === 0) return Date.now();
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return null;
}

await runScenario(async () => {
  const browser = await launchChromium({ fakeAudioWav: args.wav || undefined });
  const admin = await request.newContext({ ignoreHTTPSErrors: true });
  let frozen = false;
  try {
    const { page } = browser;
    await page.addInitScript(toneProbeScript);
    await page.goto(`${args.url}/healthz`);
    await page.addScriptTag({ content: await bundleLibrary(args.library) });
    await page.addScriptTag({ content: args.library === 'jssip' ? jssipPage : sipjsPage });
    const wss = args.url.replace('https://', 'wss://') + '/sip';
    const host = new URL(args.url).hostname;

    log(`${args.library}: registering ${args.agent}`);
    const registration = await page.evaluate((o) => window.phone.register(o), { wss, host, agent: args.agent, password: args.password });
    if (registration.state !== 'registered') throw new Error(`registration failed: ${JSON.stringify(registration)}`);
    log(`${args.library}: calling ${args.dial}`);
    const call = await page.evaluate((o) => window.phone.call(o), { dial: args.dial, host, action: 'call' });
    if (call.state !== 'confirmed') throw new Error(`call not confirmed: ${JSON.stringify(call)}`);
    const soundAfterMs = await waitForSound(page);
    if (soundAfterMs === null) throw new Error('no sound from the PBX within 15 s: the call never carried media');

    const vanishedAt = Date.now();
    const group = await browser.signal(args.signal);
    frozen = args.signal === 'SIGSTOP';
    log(`${args.signal} sent to Chromium's process group ${group}`);
    const callGoneAt = await waitUntilNoCall(admin, Number(args.releaseAfterMs));
    log(callGoneAt === null ? 'the call is still listed' : `the call left /api/calls after ${callGoneAt - vanishedAt} ms`);
    if (frozen) {
      // Only now may the connection close: the frozen browser must not tell PbxBridge anything before.
      await browser.signal('SIGKILL');
      frozen = false;
    }
    return { call, soundAfterMs, signal: args.signal, vanishedAt, callGoneAt };
  } finally {
    await admin.dispose();
    // A frozen Chromium would never answer Playwright's close: end it first (a failure between the two signals).
    if (frozen) await browser.signal('SIGKILL').catch(() => {});
    await browser.close();
  }
});
