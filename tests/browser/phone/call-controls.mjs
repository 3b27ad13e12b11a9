// In-call controls against the demo PBX's echo extension (600): the agent's own microphone tone comes back, so
// Mute can be checked by ear: the echoed tone is on the incoming meter, disappears while muted, returns after.
// Then dial-pad keys go out as DTMF, and Hold / Resume change the call (re-INVITE), then hang up by click.
import path from 'node:path';
import { launchChromium } from '../lib/chromium.mjs';
import { log, runScenario, scenarioArgs } from '../lib/scenario.mjs';
import { dialOnKeypad, openPhone, signIn, waitForCallState, waitForRegistered } from './phone-page.mjs';

const args = scenarioArgs({ url: undefined, agent: '1001', password: undefined, number: '600', wav: undefined, keys: '12#' });

async function incomingToneAfter(page, ms) {
  await page.waitForTimeout(ms);
  return page.evaluate(() => window.pbxPhone.incomingAudio.frequencyHz);
}

await runScenario(async () => {
  const browser = await launchChromium({ fakeAudioWav: path.resolve(args.wav) });
  try {
    const { page } = browser;
    await openPhone(page, args.url);
    await signIn(page, { agent: args.agent, password: args.password });
    await waitForRegistered(page);
    await dialOnKeypad(page, args.number);
    await page.click('#call-button');
    await waitForCallState(page, 'in-call');
    await page.waitForFunction(() => window.pbxPhone.incomingAudio.frequencyHz !== null, null, { timeout: 10_000 })
      .catch(() => log('no echo heard within 10 s'));
    const echoBefore = await incomingToneAfter(page, 1_000);

    await page.click('#mute-button');
    const muted = await page.evaluate(() => ({
      muted: window.pbxPhone.muted,
      pressed: document.getElementById('mute-button').getAttribute('aria-pressed'),
      label: document.getElementById('mute-button').textContent,
    }));
    const echoWhileMuted = await incomingToneAfter(page, 2_500);
    await page.click('#mute-button');
    const unmuted = await page.evaluate(() => window.pbxPhone.muted);
    await page.waitForFunction(() => window.pbxPhone.incomingAudio.frequencyHz !== null, null, { timeout: 5_000 })
      .catch(() => log('echo did not come back within 5 s of unmuting'));
    const echoAfter = await incomingToneAfter(page, 1_000);

    await dialOnKeypad(page, args.keys);
    await page.waitForTimeout(1_000);
    const dtmf = await page.evaluate(() => ({
      sent: window.pbxPhone.dtmfSent,
      notice: document.getElementById('notice').textContent,
      numberField: document.getElementById('number').value,
      lastError: window.pbxPhone.lastError,
    }));

    await page.click('#hold-button');
    await page.waitForFunction(() => window.pbxPhone.held, null, { timeout: 10_000 }).catch(() => log('hold not confirmed'));
    const held = await page.evaluate(() => ({
      held: window.pbxPhone.held,
      stateText: document.getElementById('call-state').textContent,
      button: document.getElementById('hold-button').textContent,
    }));
    await page.click('#hold-button');
    await page.waitForFunction(() => !window.pbxPhone.held, null, { timeout: 10_000 }).catch(() => log('resume not confirmed'));
    const resumed = await page.evaluate(() => ({
      held: window.pbxPhone.held,
      stateText: document.getElementById('call-state').textContent,
      state: window.pbxPhone.state,
    }));

    await page.click('#hangup-button');
    await waitForCallState(page, 'idle');
    return { echoBefore, muted, echoWhileMuted, unmuted, echoAfter, dtmf, held, resumed };
  } finally {
    await browser.close();
  }
});
