// Signs in, dials a number that fails (the demo PBX's 603 answers 486 Busy Here) and reports what the page says.
import { launchChromium } from '../lib/chromium.mjs';
import { runScenario, scenarioArgs } from '../lib/scenario.mjs';
import { describe, dialOnKeypad, openPhone, signIn, waitForRegistered } from './phone-page.mjs';

const args = scenarioArgs({ url: undefined, agent: '1001', password: undefined, number: '603' });

await runScenario(async () => {
  const browser = await launchChromium();
  try {
    const { page } = browser;
    await openPhone(page, args.url);
    await signIn(page, { agent: args.agent, password: args.password });
    await waitForRegistered(page);
    await dialOnKeypad(page, args.number);
    await page.click('#call-button');
    await page.waitForSelector('#error:not([hidden])', { timeout: 15_000 })
      .catch(async (error) => {
        throw new Error(`no error shown: ${await describe(page)} (${error.message})`);
      });
    await page.waitForFunction(() => window.pbxPhone.state === 'idle', null, { timeout: 5_000 });
    return await page.evaluate(() => ({
      errorText: document.getElementById('error').textContent,
      state: window.pbxPhone.state,
      callEnabled: !document.getElementById('call-button').disabled,
      registration: window.pbxPhone.registration,
    }));
  } finally {
    await browser.close();
  }
});
