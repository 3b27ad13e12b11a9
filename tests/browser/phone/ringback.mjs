// What the agent hears while a call rings: 602 rings with 180 and no early media, so the page plays its own
// ringback (read by frequency from what the page plays); cancelling stops it. 605 sends 183 with SDP: its tone is
// heard on the incoming meter before the answer, and the page plays no ringback over it.
import { launchChromium } from '../lib/chromium.mjs';
import { runScenario, scenarioArgs } from '../lib/scenario.mjs';
import { dialOnKeypad, openPhone, signIn, waitForCallState, waitForRegistered } from './phone-page.mjs';

const args = scenarioArgs({ url: undefined, password: undefined });

async function ringbackReading(page, ms) {
  // 1 s on, 4 s off: read for long enough to cover a burst, keep the strongest evidence.
  const end = Date.now() + ms;
  const readings = [];
  while (Date.now() < end) {
    readings.push(await page.evaluate(() => ({ ...window.pbxPhone.ringback, state: window.pbxPhone.state })));
    await page.waitForTimeout(100);
  }
  const heard = readings.map((r) => r.frequencyHz).filter((f) => f !== null).sort((a, b) => a - b);
  return {
    playing: readings.some((r) => r.playing),
    frequencyHz: heard.length === 0 ? null : heard[Math.floor(heard.length / 2)],
    states: [...new Set(readings.map((r) => r.state))],
  };
}

await runScenario(async () => {
  const browser = await launchChromium();
  try {
    const { page } = browser;
    await openPhone(page, args.url);
    await signIn(page, { agent: '1001', password: args.password });
    await waitForRegistered(page);

    await dialOnKeypad(page, '602');
    await page.click('#call-button');
    await page.waitForFunction(() => window.pbxPhone.ringback.playing, null, { timeout: 10_000 }).catch(() => {});
    const ringing = await ringbackReading(page, 5_500);
    await page.click('#hangup-button');
    await waitForCallState(page, 'idle');
    const afterCancel = await page.evaluate(() => window.pbxPhone.ringback);

    await page.fill('#number', '');
    await dialOnKeypad(page, '605');
    await page.click('#call-button');
    await page.waitForFunction(() => window.pbxPhone.incomingAudio.frequencyHz !== null, null, { timeout: 5_000 }).catch(() => {});
    const early = await page.evaluate(() => ({
      state: window.pbxPhone.state,
      frequencyHz: window.pbxPhone.incomingAudio.frequencyHz,
      ringback: window.pbxPhone.ringback,
    }));
    await waitForCallState(page, 'in-call', 15_000);
    const answered = await page.evaluate(() => ({ state: window.pbxPhone.state, ringback: window.pbxPhone.ringback }));
    await page.click('#hangup-button');
    await waitForCallState(page, 'idle');
    return { ringing, afterCancel, early, answered };
  } finally {
    await browser.close();
  }
});
