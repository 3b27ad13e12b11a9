// The demo PBX calls the agent (POST /api/demo/calls); the page rings, the agent answers by click, hears the
// caller's tone, and the PBX side hangs up (DELETE /api/demo/calls/{id}); the page returns to idle.
import { launchChromium } from '../lib/chromium.mjs';
import { log, runScenario, scenarioArgs } from '../lib/scenario.mjs';
import { openPhone, readIncomingTone, signIn, waitForCallState, waitForRegistered } from './phone-page.mjs';

const args = scenarioArgs({ url: undefined, api: undefined, agent: '1001', password: undefined, from: '601' });

await runScenario(async () => {
  const browser = await launchChromium();
  try {
    const { page, context } = browser;
    await openPhone(page, args.url);
    await signIn(page, { agent: args.agent, password: args.password });
    await waitForRegistered(page);

    const api = new URL(args.api);
    const started = await context.request.post(
      new URL(`api/demo/calls?agent=${encodeURIComponent(args.agent)}&from=${encodeURIComponent(args.from)}`, api).toString());
    if (!started.ok()) throw new Error(`POST /api/demo/calls answered ${started.status()}: ${await started.text()}`);
    const { callId } = await started.json();
    log('demo call', callId);

    await page.waitForSelector('#incoming:not([hidden])', { timeout: 15_000 });
    const banner = {
      title: await page.textContent('#incoming-title'),
      from: await page.textContent('#incoming-from'),
      state: await page.evaluate(() => window.pbxPhone.state),
      answerFocused: await page.evaluate(() => document.activeElement?.id === 'answer-button'),
    };
    log('banner', JSON.stringify(banner));
    await page.click('#answer-button');
    await waitForCallState(page, 'in-call');
    const bannerHiddenInCall = await page.isHidden('#incoming');
    const tone = await readIncomingTone(page, { sampleMs: 1_500 });

    const hungUp = await context.request.delete(new URL(`api/demo/calls/${encodeURIComponent(callId)}`, api).toString());
    if (!hungUp.ok()) throw new Error(`DELETE /api/demo/calls/${callId} answered ${hungUp.status()}: ${await hungUp.text()}`);
    await waitForCallState(page, 'idle');
    const after = await page.evaluate(() => ({
      state: window.pbxPhone.state,
      notice: document.getElementById('notice').textContent,
      callStateText: document.getElementById('call-state').textContent,
      lastError: window.pbxPhone.lastError,
    }));
    return { callId, banner, bannerHiddenInCall, tone, after };
  } finally {
    await browser.close();
  }
});
