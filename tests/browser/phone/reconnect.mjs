// Signs in, then watches the page while the test restarts PbxBridge underneath it: the WebSocket state must go
// to "reconnecting" and the phone must register again by itself, without the agent doing anything.
import { launchChromium } from '../lib/chromium.mjs';
import { log, runScenario, scenarioArgs } from '../lib/scenario.mjs';
import { openPhone, signIn, waitForRegistered } from './phone-page.mjs';

const args = scenarioArgs({ url: undefined, agent: '1001', password: undefined, timeoutMs: '60000' });

await runScenario(async () => {
  const browser = await launchChromium();
  try {
    const { page } = browser;
    await openPhone(page, args.url);
    await signIn(page, { agent: args.agent, password: args.password });
    await waitForRegistered(page);
    log('registered; waiting for the server to go away and come back');

    const seen = [];
    const deadline = Date.now() + Number(args.timeoutMs);
    let lost = false;
    while (Date.now() < deadline) {
      const now = await page.evaluate(() => ({
        webSocket: window.pbxPhone.webSocket,
        registration: window.pbxPhone.registration,
        shown: document.getElementById('ws-state').textContent,
        workspaceVisible: !document.getElementById('workspace').hidden,
      }));
      const last = seen.at(-1);
      if (!last || last.webSocket !== now.webSocket || last.registration !== now.registration) {
        log('state', JSON.stringify(now));
        seen.push(now);
      }
      if (now.webSocket === 'reconnecting') lost = true;
      if (lost && now.registration === 'registered') break;
      await page.waitForTimeout(100);
    }
    return { seen, lost, final: seen.at(-1) };
  } finally {
    await browser.close();
  }
});
