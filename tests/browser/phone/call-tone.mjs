// Signs in, dials a number on the keypad, waits for the call, reads the incoming tone from the page's own
// meter and quality badge, optionally saves a screenshot of that in-call state, then hangs up by click.
import path from 'node:path';
import { launchChromium } from '../lib/chromium.mjs';
import { log, runScenario, scenarioArgs } from '../lib/scenario.mjs';
import { dialOnKeypad, openPhone, readIncomingTone, signIn, waitForCallState, waitForRegistered } from './phone-page.mjs';

const args = scenarioArgs({
  url: undefined,
  agent: '1001',
  password: undefined,
  number: '601',
  wav: '',
  screenshot: '',
  width: '420',
});

await runScenario(async () => {
  const browser = await launchChromium({
    fakeAudioWav: args.wav ? path.resolve(args.wav) : undefined,
    viewport: { width: Number(args.width), height: 860 },
  });
  try {
    const { page } = browser;
    await openPhone(page, args.url);
    await signIn(page, { agent: args.agent, password: args.password });
    await waitForRegistered(page);
    await dialOnKeypad(page, args.number);
    const dialed = await page.inputValue('#number');
    log('dialed', dialed);
    await page.click('#call-button');
    await waitForCallState(page, 'in-call');
    const callStateText = await page.textContent('#call-state');
    const remoteParty = await page.textContent('#remote-party');
    const tone = await readIncomingTone(page);
    log('incoming tone', JSON.stringify(tone));
    // The badge needs two getStats samples before loss can be computed over an interval.
    await page.waitForFunction(() => window.pbxPhone.quality !== null, null, { timeout: 5_000 }).catch(() => {});
    const quality = await page.evaluate(() => ({
      ...window.pbxPhone.quality,
      badge: document.getElementById('quality').textContent,
      hover: document.getElementById('quality').title,
    }));
    const timer = await page.textContent('#call-timer');
    if (args.screenshot) {
      // The phone itself, not the empty viewport below it.
      await page.locator('main').screenshot({ path: path.resolve(args.screenshot) });
      log('screenshot', args.screenshot);
    }
    await page.click('#hangup-button');
    await waitForCallState(page, 'idle');
    const after = await page.evaluate(() => ({
      state: window.pbxPhone.state,
      callStateText: document.getElementById('call-state').textContent,
      notice: document.getElementById('notice').textContent,
      hangupDisabled: document.getElementById('hangup-button').disabled,
      callEnabled: !document.getElementById('call-button').disabled,
      lastError: window.pbxPhone.lastError,
    }));
    return { dialed, callStateText, remoteParty, tone, quality, timer, after };
  } finally {
    await browser.close();
  }
});
