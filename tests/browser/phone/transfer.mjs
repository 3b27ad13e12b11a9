// Transfer from the /phone page against the demo PBX, by clicks, with two agents each in their own Chromium
// (1001's microphone plays one tone, 1002's another, so who hears whom is checked by frequency):
//  blind:    the demo's caller (1004 Hz) answered by 1001 is sent to 1002 with "Transfer now"; 1002 hears it.
//  complete: 1001 consults 1002 (the caller on hold), they hear each other, 1001 completes; 1002 hears the caller.
//  cancel:   1001 talks to the echo (600), consults 1002, goes back to the caller: the echo of 1001's own tone
//            returns (two-way audio again), and 1002's call ends.
import path from 'node:path';
import { launchChromium } from '../lib/chromium.mjs';
import { log, runScenario, scenarioArgs } from '../lib/scenario.mjs';
import {
  dialOnKeypad, incomingHzWhenIn, openPhone, readCallView, signIn, startDemoCall, waitForCallState, waitForRegistered,
} from './phone-page.mjs';

const args = scenarioArgs({ url: undefined, api: undefined, password: undefined, mode: undefined, wav1: undefined, wav2: undefined });

async function agentPhone(wav, agent) {
  const browser = await launchChromium({ fakeAudioWav: path.resolve(wav) });
  await openPhone(browser.page, args.url);
  await signIn(browser.page, { agent, password: args.password });
  await waitForRegistered(browser.page);
  return browser;
}

async function answerByClick(page) {
  await page.waitForSelector('#incoming:not([hidden])', { timeout: 15_000 });
  await page.click('#answer-button');
  await waitForCallState(page, 'in-call');
}

async function openTransfer(page, target) {
  await page.click('#transfer-button');
  await page.fill('#transfer-target', target);
}

await runScenario(async () => {
  const alice = await agentPhone(args.wav1, '1001');
  const bob = await agentPhone(args.wav2, '1002');
  try {
    const a = alice.page;
    const b = bob.page;
    const result = { mode: args.mode };
    if (args.mode === 'cancel') {
      await dialOnKeypad(a, '600');
      await a.click('#call-button');
      await waitForCallState(a, 'in-call');
      result.echoBefore = await incomingHzWhenIn(a, 680, 720);
    } else {
      await startDemoCall(alice.context, new URL(args.api), '1001');
      await answerByClick(a);
      result.callerBefore = await incomingHzWhenIn(a, 984, 1024);
    }

    if (args.mode === 'blind') {
      await openTransfer(a, '1002');
      await a.click('#transfer-blind-button');
      await answerByClick(b);
      result.bobHears = await incomingHzWhenIn(b, 984, 1024);
      await waitForCallState(a, 'idle');
      result.alice = await readCallView(a);
      result.bob = await readCallView(b);
    } else {
      await openTransfer(a, '1002');
      await a.click('#transfer-consult-button');
      await answerByClick(b);
      await a.waitForFunction(() => window.pbxPhone.transfer.phase === 'consulting' && window.pbxPhone.state === 'in-call');
      result.consulting = await readCallView(a);
      result.aliceHearsBob = await incomingHzWhenIn(a, 880, 920);
      result.bobHearsAlice = await incomingHzWhenIn(b, 680, 720);
      if (args.mode === 'complete') {
        await a.click('#transfer-complete-button');
        await waitForCallState(a, 'idle', 20_000);
        result.bobHears = await incomingHzWhenIn(b, 984, 1024);
        result.alice = await readCallView(a);
        result.bob = await readCallView(b);
      } else {
        await a.click('#transfer-cancel-button');
        await waitForCallState(b, 'idle');
        await a.waitForFunction(() => window.pbxPhone.lines.length === 1 && !window.pbxPhone.held, null, { timeout: 10_000 })
          .catch(() => log('the caller was not resumed'));
        result.echoAfter = await incomingHzWhenIn(a, 680, 720);
        result.alice = await readCallView(a);
        result.bob = await readCallView(b);
      }
    }

    for (const page of [a, b]) {
      if (await page.evaluate(() => window.pbxPhone.state !== 'idle')) {
        await page.click('#hangup-button');
        await waitForCallState(page, 'idle');
      }
    }
    result.aliceEnd = await readCallView(a);
    result.pageErrors = [...alice.consoleLines, ...bob.consoleLines].filter((l) => l.startsWith('pageerror') || l.startsWith('error'));
    return result;
  } finally {
    await alice.close();
    await bob.close();
  }
});
