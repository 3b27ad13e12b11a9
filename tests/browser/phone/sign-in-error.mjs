// Signs in with the given credentials/server and reports the error text the page shows.
// Used for a wrong password and for an unreachable server. With --retryPassword it then signs in again with that
// password, as the agent would after reading the error, and reports whether that worked and the error went away.
import { launchChromium } from '../lib/chromium.mjs';
import { log, runScenario, scenarioArgs } from '../lib/scenario.mjs';
import { describe, openPhone, signIn, waitForRegistered } from './phone-page.mjs';

const args = scenarioArgs({
  url: undefined, agent: '1001', password: undefined, server: '', timeoutMs: '20000', retryPassword: '',
});

await runScenario(async () => {
  const browser = await launchChromium();
  try {
    const { page } = browser;
    await openPhone(page, args.url);
    await signIn(page, { agent: args.agent, password: args.password, serverUrl: args.server || undefined });
    await page.waitForSelector('#error:not([hidden])', { timeout: Number(args.timeoutMs) })
      .catch(async (error) => {
        throw new Error(`no error shown: ${await describe(page)} (${error.message})`);
      });
    const result = await page.evaluate((password) => ({
      errorText: document.getElementById('error').textContent,
      errorRole: document.getElementById('error').getAttribute('role'),
      loginVisible: !document.getElementById('login').hidden,
      workspaceVisible: !document.getElementById('workspace').hidden,
      registration: window.pbxPhone.registration,
      webSocket: window.pbxPhone.webSocket,
      passwordFieldEmpty: document.getElementById('password').value === '',
      storedAgentId: localStorage.getItem('pbxbridge.phone.agentId'),
      storageHoldsPassword: Object.keys(localStorage).some((k) => localStorage.getItem(k)?.includes(password)),
    }), args.password);
    log('shown:', result.errorText);
    if (args.retryPassword) {
      await page.fill('#password', args.retryPassword);
      await page.click('#login-button');
      await waitForRegistered(page);
      result.retry = await page.evaluate(() => ({
        registration: window.pbxPhone.registration,
        errorHidden: document.getElementById('error').hidden,
        workspaceVisible: !document.getElementById('workspace').hidden,
      }));
    }
    return result;
  } finally {
    await browser.close();
  }
});
