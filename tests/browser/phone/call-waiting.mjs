// Call waiting on the /phone page, by clicks, against the demo PBX. 1001 talks to the echo (600: its own 700 Hz
// comes back). The demo PBX calls 1001 (1004 Hz): the call-waiting banner shows; "Answer, hold current" holds
// the echo and answers; "Switch calls" goes back and forth (the ear follows); hanging up the second call leaves
// the first held until Resume, which brings the echo back. Then a second demo call is declined with "Busy" (486),
// and a third call while two are up is refused by the page with 486 too.
import path from 'node:path';
import { launchChromium } from '../lib/chromium.mjs';
import { runScenario, scenarioArgs } from '../lib/scenario.mjs';
import {
  dialOnKeypad, incomingHzWhenIn, openPhone, readCallView, signIn, startDemoCall, waitForCallState, waitForRegistered,
} from './phone-page.mjs';

const args = scenarioArgs({ url: undefined, api: undefined, password: undefined, wav: undefined });

await runScenario(async () => {
  const browser = await launchChromium({ fakeAudioWav: path.resolve(args.wav) });
  try {
    const { page, context } = browser;
    const api = new URL(args.api);
    await openPhone(page, args.url);
    await signIn(page, { agent: '1001', password: args.password });
    await waitForRegistered(page);
    await dialOnKeypad(page, '600');
    await page.click('#call-button');
    await waitForCallState(page, 'in-call');
    const result = { echoFirst: await incomingHzWhenIn(page, 680, 720) };

    await startDemoCall(context, api, '1001');
    await page.waitForSelector('#waiting:not([hidden])', { timeout: 15_000 });
    result.waiting = await readCallView(page);
    result.waitingAnswerFocused = await page.evaluate(() => document.activeElement?.id === 'waiting-answer-button');
    await page.click('#waiting-answer-button');
    await page.waitForFunction(() => window.pbxPhone.lines.length === 2 && window.pbxPhone.lines[0].state === 'in-call'
      && window.pbxPhone.lines[1].held, null, { timeout: 10_000 });
    result.secondAnswered = await readCallView(page);
    result.hearsSecond = await incomingHzWhenIn(page, 984, 1024);

    await page.click('#switch-button');
    await page.waitForFunction(() => window.pbxPhone.lines[0].number === '600' && !window.pbxPhone.lines[0].held
      && window.pbxPhone.lines[1].held, null, { timeout: 10_000 });
    result.switched = await readCallView(page);
    result.hearsFirstAgain = await incomingHzWhenIn(page, 680, 720);

    await page.click('#switch-button');
    await page.waitForFunction(() => window.pbxPhone.lines[0].number !== '600' && !window.pbxPhone.lines[0].held, null, { timeout: 10_000 });
    result.hearsSecondAgain = await incomingHzWhenIn(page, 984, 1024);

    await page.click('#hangup-button');
    await page.waitForFunction(() => window.pbxPhone.lines.length === 1, null, { timeout: 10_000 });
    result.afterSecondEnded = await readCallView(page);
    await page.click('#hold-button');
    await page.waitForFunction(() => !window.pbxPhone.held, null, { timeout: 10_000 });
    result.echoResumed = await incomingHzWhenIn(page, 680, 720);

    await startDemoCall(context, api, '1001');
    await page.waitForSelector('#waiting:not([hidden])', { timeout: 15_000 });
    await page.click('#waiting-decline-button');
    await page.waitForFunction(() => window.pbxPhone.lines.length === 1, null, { timeout: 10_000 });
    result.afterDecline = await readCallView(page);
    result.echoAfterDecline = await incomingHzWhenIn(page, 680, 720);

    // Two up (the echo and a waiting call), a third is refused by the page.
    await startDemoCall(context, api, '1001');
    await page.waitForSelector('#waiting:not([hidden])', { timeout: 15_000 });
    await startDemoCall(context, api, '1001');
    await page.waitForTimeout(1_500);
    result.third = await readCallView(page);
    await page.click('#waiting-decline-button');
    await page.click('#hangup-button');
    await waitForCallState(page, 'idle');
    result.end = await readCallView(page);
    result.pageErrors = browser.consoleLines.filter((l) => l.startsWith('pageerror') || l.startsWith('error'));
    return result;
  } finally {
    await browser.close();
  }
});
