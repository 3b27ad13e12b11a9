// The other party's hold on the /phone page, against the demo PBX, by clicks: 1001 (microphone 700 Hz) calls 1002
// (900 Hz) by its agent id; 1002 answers and clicks Hold, which the demo PBX passes to 1001's call as a hold from
// the PBX side (PbxBridge's re-INVITE a=sendonly). 1001's page must say so, without 1001 having held anything; 1002
// clicks Resume and 1001's page is back to "In call", hearing 1002 again.
import path from 'node:path';
import { launchChromium } from '../lib/chromium.mjs';
import { runScenario, scenarioArgs } from '../lib/scenario.mjs';
import {
  dialOnKeypad, incomingHzWhenIn, openPhone, readCallView, signIn, waitForCallState, waitForRegistered,
} from './phone-page.mjs';

const args = scenarioArgs({ url: undefined, password: undefined, wav1: undefined, wav2: undefined });

async function agentPhone(wav, agent) {
  const browser = await launchChromium({ fakeAudioWav: path.resolve(wav) });
  await openPhone(browser.page, args.url);
  await signIn(browser.page, { agent, password: args.password });
  await waitForRegistered(browser.page);
  return browser;
}

// What 1001's page shows of the hold: the call state line, its own Hold button, the diagnostics' flags.
async function readHoldView(page) {
  return page.evaluate(() => ({
    state: window.pbxPhone.state,
    callStateText: document.getElementById('call-state').textContent,
    holdButton: document.getElementById('hold-button').textContent,
    holdPressed: document.getElementById('hold-button').getAttribute('aria-pressed'),
    held: window.pbxPhone.held,
    remoteHeld: window.pbxPhone.remoteHeld,
  }));
}

// Waits (up to 10 s) for the page's own hold flag of the other side to become `held`; the C# test judges what it shows.
async function waitRemoteHeld(page, held) {
  await page.waitForFunction((h) => window.pbxPhone.remoteHeld === h, held, { timeout: 10_000 }).catch(() => {});
  return readHoldView(page);
}

await runScenario(async () => {
  const alice = await agentPhone(args.wav1, '1001');
  const bob = await agentPhone(args.wav2, '1002');
  try {
    const a = alice.page;
    const b = bob.page;
    const result = {};
    await dialOnKeypad(a, '1002');
    await a.click('#call-button');
    await b.waitForSelector('#incoming:not([hidden])', { timeout: 15_000 });
    await b.click('#answer-button');
    await waitForCallState(b, 'in-call');
    await waitForCallState(a, 'in-call');
    result.before = await readHoldView(a);
    result.aliceHearsBob = await incomingHzWhenIn(a, 880, 920);

    await b.click('#hold-button');
    await b.waitForFunction(() => window.pbxPhone.held === true, null, { timeout: 10_000 });
    result.bobHeld = await readHoldView(b);
    result.heldByBob = await waitRemoteHeld(a, true);

    await b.click('#hold-button');
    await b.waitForFunction(() => window.pbxPhone.held === false, null, { timeout: 10_000 });
    result.resumedByBob = await waitRemoteHeld(a, false);
    result.aliceHearsBobAgain = await incomingHzWhenIn(a, 880, 920);
    result.bobHearsAliceAgain = await incomingHzWhenIn(b, 680, 720);

    await a.click('#hangup-button');
    await waitForCallState(a, 'idle');
    await waitForCallState(b, 'idle');
    result.alice = await readCallView(a);
    result.pageErrors = [...alice.consoleLines, ...bob.consoleLines].filter((l) => l.startsWith('pageerror'));
    return result;
  } finally {
    await alice.close();
    await bob.close();
  }
});
