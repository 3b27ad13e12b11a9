// One SIP-over-WebSocket softphone scenario in headless Chromium with a real SIP library (JsSIP or SIP.js).
//   node sip/sip-client.mjs --library=jssip|sipjs --url=https://127.0.0.1:8443 --agent=1001 --password=... \
//        --action=call|busy|cancel|wrong-password|incoming|call-until-end|hold|network-change --dial=600 --wav=/abs/tone700.wav [--expectHz=700] [--dtmf=159#]
// network-change (run inside the browser's own namespace, as root): mid-call --oldAddress moves to --newAddress on --device
// and the old address's TCP connections are aborted (ss -K); the page reconnects, registers and re-INVITEs with an ICE restart.
// call-until-end: the call is up, carries sound, and then only the other side may end it (no measuring that a
// sudden end could interrupt); it reports how it ended.
// hold: the call is up and carries sound, the library's hold() then, a second later, unhold(); the sound measured
// after the resume, then hang up.
// Prints one JSON line (see lib/scenario.mjs). The browser plays the WAV as its microphone; what comes back is
// measured with an AnalyserNode on the remote track.
import { launchChromium } from '../lib/chromium.mjs';
import { changeNetwork } from '../lib/network-change.mjs';
import { scenarioArgs, log, runScenario } from '../lib/scenario.mjs';
import { toneProbeScript, measureTone, waitForSound } from '../lib/tone.mjs';
import { bundleLibrary } from './bundle.mjs';
import { jssipPage } from './jssip-page.mjs';
import { sipjsPage } from './sipjs-page.mjs';

const args = scenarioArgs({
  library: undefined, url: undefined, agent: '1001', password: undefined, action: 'call', dial: '600', wav: '', expectHz: '', holdMs: '2500', waitRemoteEnd: 'false', dtmf: '', oldAddress: '', newAddress: '', device: 'br0', turn: 'false',
});

await runScenario(async () => {
  const browser = await launchChromium({ fakeAudioWav: args.wav || undefined });
  try {
    const { page } = browser;
    await page.addInitScript(toneProbeScript);
    await page.goto(`${args.url}/healthz`);
    await page.addScriptTag({ content: await bundleLibrary(args.library) });
    await page.addScriptTag({ content: args.library === 'jssip' ? jssipPage : sipjsPage });
    const wss = args.url.replace('https://', 'wss://') + '/sip';
    const host = new URL(args.url).hostname;
    const options = { wss, host, agent: args.agent, password: args.password, servers: [] };
    if (args.turn === 'true') {
      // What an app does before it starts its phone: the agent's TURN credentials from PbxBridge (issue 23).
      const reply = await browser.context.request.get(`${args.url}/api/ice-servers`, {
        headers: { Authorization: `Basic ${Buffer.from(`${args.agent}:${args.password}`).toString('base64')}` },
      });
      if (!reply.ok()) throw new Error(`GET /api/ice-servers answered ${reply.status()}`);
      options.servers = (await reply.json()).iceServers;
      log(`ice servers: ${JSON.stringify(options.servers.map((s) => s.urls))}`);
    }

    log(`${args.library}: registering ${args.agent}`);
    const registration = await page.evaluate((o) => window.phone.register(o), options);
    if (args.action === 'wrong-password') {
      return { registration };
    }
    if (registration.state !== 'registered') throw new Error(`registration failed: ${JSON.stringify(registration)}`);

    if (args.action === 'wait-incoming') {
      // A real PBX (or its simulator) places the call; the test process triggers it once we are registered.
      const incoming = await page.evaluate(() => window.phone.waitForIncoming(30000));
      log(`incoming call from ${incoming.from}: answering`);
      await page.evaluate(() => window.phone.answer());
      const soundAfterMs = await waitForSound(page);
      const tone = { ...(await measureTone(page, { durationMs: Number(args.holdMs) })), soundAfterMs };
      const stats = await page.evaluate(() => window.phone.stats());
      return { incoming, tone, stats, end: await page.evaluate(() => window.phone.waitForEnd(20000)) };
    }

    if (args.action === 'incoming') {
      // The admin API answers loopback; the browser context's request client accepts the self-signed certificate.
      const demo = await browser.context.request.post(`${args.url}/api/demo/calls?agent=${args.agent}&from=601`);
      if (!demo.ok()) throw new Error(`demo call trigger answered ${demo.status()}`);
      const { callId } = await demo.json();
      const incoming = await page.evaluate(() => window.phone.waitForIncoming(15000));
      log(`incoming call from ${incoming.from}: answering`);
      await page.evaluate(() => window.phone.answer());
      const soundAfterMs = await waitForSound(page);
      const tone = { ...(await measureTone(page, { durationMs: Number(args.holdMs) })), soundAfterMs };
      const stats = await page.evaluate(() => window.phone.stats());
      log(`PBX side hangs up ${callId}`);
      const ended = page.evaluate(() => window.phone.waitForEnd(10000));
      await browser.context.request.delete(`${args.url}/api/demo/calls/${callId}`);
      return { incoming, tone, stats, end: await ended };
    }

    log(`${args.library}: calling ${args.dial} (${args.action})`);
    const call = await page.evaluate((o) => window.phone.call(o), { dial: args.dial, host, action: args.action });
    if (args.action === 'call-until-end') {
      if (call.state !== 'confirmed') throw new Error(`call not confirmed: ${JSON.stringify(call)}`);
      const soundAfterMs = await waitForSound(page);
      return { call, soundAfterMs, end: await page.evaluate(() => window.phone.waitForEnd(60000)) };
    }
    if (args.action === 'hold') {
      if (call.state !== 'confirmed') throw new Error(`call not confirmed: ${JSON.stringify(call)}`);
      await waitForSound(page);
      log(`${args.library}: hold`);
      const hold = await page.evaluate(() => window.phone.hold());
      await page.waitForTimeout(1000);
      log(`${args.library}: unhold`);
      const unhold = await page.evaluate(() => window.phone.unhold());
      const soundAfterMs = await waitForSound(page);
      const tone = { ...(await measureTone(page, { durationMs: Number(args.holdMs) })), soundAfterMs };
      return { call, hold, unhold, tone, end: await page.evaluate(() => window.phone.hangup()) };
    }
    if (args.action === 'network-change') {
      // Issue 23: mid-call the namespace's address changes (the test gave this script the namespace: it runs as root
      // in it) and the OS aborts the connections of the address that went away, as a phone does moving to 4G.
      if (call.state !== 'confirmed') throw new Error(`call not confirmed: ${JSON.stringify(call)}`);
      await waitForSound(page);
      const before = { tone: await measureTone(page, { durationMs: 1500 }), stats: await page.evaluate(() => window.phone.stats()) };
      log(`${args.library}: network change ${args.oldAddress} -> ${args.newAddress}`);
      const recovered = await changeNetwork(page, { oldAddress: args.oldAddress, newAddress: args.newAddress, device: args.device });
      log(`${args.library}: ${JSON.stringify(recovered)}`);
      if (recovered.state !== 'renegotiated') {
        throw new Error(`the call was not recovered: ${JSON.stringify(recovered)}; page console: ${browser.consoleLines.slice(-40).map((l) => l.slice(0, 160)).join(' | ')}`);
      }
      await page.waitForTimeout(1500);
      const soundAfterMs = await waitForSound(page);
      const tone = { ...(await measureTone(page, { durationMs: Number(args.holdMs) })), soundAfterMs };
      const stats = await page.evaluate(() => window.phone.stats());
      return { call, before, recovered, tone, stats, end: await page.evaluate(() => window.phone.hangup()) };
    }
    if (args.action !== 'call') {
      return { call };
    }
    if (call.state !== 'confirmed') throw new Error(`call not confirmed: ${JSON.stringify(call)}`);
    const soundAfterMs = await waitForSound(page);
    const tone = { ...(await measureTone(page, { durationMs: Number(args.holdMs) })), soundAfterMs };
    const stats = await page.evaluate(() => window.phone.stats());
    let dtmf = null;
    if (args.dtmf) {
      log(`${args.library}: sending DTMF ${args.dtmf}`);
      dtmf = { tones: args.dtmf, ...(await page.evaluate((t) => window.phone.sendDtmf(t), args.dtmf)) };
      // 100 ms tone + 100 ms gap per key, then time for the last events to cross PbxBridge.
      await page.waitForTimeout(args.dtmf.length * 200 + 1000);
    }
    const end = args.waitRemoteEnd === 'true'
      ? await page.evaluate(() => window.phone.waitForEnd(20000))
      : await page.evaluate(() => window.phone.hangup());
    return { call, tone, stats, dtmf, end };
  } finally {
    await browser.close();
  }
});
