// Issue 23 on /phone, run inside the browser's own network namespace (the C# test sets its nftables rules):
//   --action=check-and-call  sign in, wait for the network check's verdict, then dial (600 echo) and read the
//                            incoming tone and the path the call's audio took;
//   --action=network-change  sign in, dial, read the tone, move the namespace to --newAddress (connections of the
//                            old one aborted, as a phone's OS does) and, without touching the page, wait for it to
//                            reconnect, keep the call and hear the tone again.
// Every action is a click; window.pbxPhone is only read.
import path from 'node:path';
import { launchChromium } from '../lib/chromium.mjs';
import { moveAddress } from '../lib/network-change.mjs';
import { log, runScenario, scenarioArgs } from '../lib/scenario.mjs';
import { describe, dialOnKeypad, openPhone, readIncomingTone, signIn, waitForCallState, waitForRegistered } from './phone-page.mjs';

const args = scenarioArgs({
  url: undefined,
  agent: '1001',
  password: undefined,
  number: '600',
  wav: '',
  action: 'check-and-call',
  oldAddress: '',
  newAddress: '',
  recoverMs: '45000',
});

const readPhone = (page) => page.evaluate(() => ({
  state: window.pbxPhone.state,
  networkCheck: window.pbxPhone.networkCheck,
  shownNetwork: document.getElementById('net-state').textContent,
  mediaPath: window.pbxPhone.mediaPath,
  recovery: window.pbxPhone.recovery,
  notice: document.getElementById('notice').textContent,
  webSocket: window.pbxPhone.webSocket,
  registration: window.pbxPhone.registration,
}));

async function waitForMediaPath(page) {
  await page.waitForFunction(() => window.pbxPhone.mediaPath !== null, null, { timeout: 10_000 })
    .catch(() => log('no media path from getStats'));
}

await runScenario(async () => {
  const browser = await launchChromium({ fakeAudioWav: args.wav ? path.resolve(args.wav) : undefined });
  try {
    const { page } = browser;
    await openPhone(page, args.url);
    await signIn(page, { agent: args.agent, password: args.password });
    await waitForRegistered(page);

    if (args.action === 'check-and-call') {
      await page.waitForFunction(() => window.pbxPhone.networkCheck?.state === 'done', null, { timeout: 30_000 })
        .catch(async (error) => { throw new Error(`the network check never finished: ${await describe(page)} (${error.message})`); });
      const check = await readPhone(page);
      log('network check', JSON.stringify(check.networkCheck));
      await dialOnKeypad(page, args.number);
      await page.click('#call-button');
      await waitForCallState(page, 'in-call');
      const tone = await readIncomingTone(page);
      await waitForMediaPath(page);
      const inCall = await readPhone(page);
      await page.click('#hangup-button');
      await waitForCallState(page, 'idle');
      return { check, tone, inCall };
    }

    if (args.action === 'network-change') {
      await dialOnKeypad(page, args.number);
      await page.click('#call-button');
      await waitForCallState(page, 'in-call');
      const before = { tone: await readIncomingTone(page) };
      log('before the move', JSON.stringify(before.tone));
      moveAddress({ oldAddress: args.oldAddress, newAddress: args.newAddress });
      log('moved', args.oldAddress, '->', args.newAddress);
      const seen = [];
      const deadline = Date.now() + Number(args.recoverMs);
      while (Date.now() < deadline) {
        const now = await readPhone(page);
        const last = seen.at(-1);
        if (!last || last.recovery.state !== now.recovery.state || last.webSocket !== now.webSocket || last.state !== now.state) {
          log('state', JSON.stringify({ state: now.state, webSocket: now.webSocket, recovery: now.recovery, notice: now.notice }));
          seen.push(now);
        }
        if (now.recovery.state === 'recovered' || now.recovery.state === 'lost' || now.state === 'idle') break;
        await page.waitForTimeout(100);
      }
      const after = { tone: await readIncomingTone(page), phone: await readPhone(page) };
      log('after the move', JSON.stringify(after.tone));
      await page.click('#hangup-button');
      await waitForCallState(page, 'idle');
      return { before, seen: seen.map((s) => ({ state: s.state, webSocket: s.webSocket, recovery: s.recovery.state, notice: s.notice })), after };
    }

    throw new Error(`unknown --action=${args.action}`);
  } finally {
    await browser.close();
  }
});
