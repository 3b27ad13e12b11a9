// Opens the page at a phone's width (360 px by default) and reports whether anything overflows sideways
// and whether the controls an agent needs are on screen with accessible names. With a password it also
// signs in and checks the in-call workspace (keypad, call controls).
import { launchChromium } from '../lib/chromium.mjs';
import { runScenario, scenarioArgs } from '../lib/scenario.mjs';
import { openPhone, signIn, waitForRegistered } from './phone-page.mjs';

const args = scenarioArgs({ url: undefined, width: '360', agent: '1001', password: '' });

function measure(selectors) {
  const viewport = document.documentElement.clientWidth;
  const controls = selectors.map((selector) => {
    const el = document.querySelector(selector);
    if (!el) return { selector, present: false };
    const box = el.getBoundingClientRect();
    const name = el.getAttribute('aria-label') ||
      (el.id && document.querySelector(`label[for="${el.id}"]`)?.textContent) || el.textContent;
    return {
      selector,
      present: true,
      visible: box.width > 0 && box.height > 0,
      inside: box.left >= 0 && box.right <= viewport + 0.5,
      height: box.height,
      name: (name ?? '').trim(),
    };
  });
  return { viewport, scrollWidth: document.documentElement.scrollWidth, controls };
}

await runScenario(async () => {
  const width = Number(args.width);
  const browser = await launchChromium({ viewport: { width, height: 740 } });
  try {
    const { page } = browser;
    await openPhone(page, args.url);
    const login = await page.evaluate(measure, ['#agent-id', '#password', '#login-button']);
    let workspace = null;
    if (args.password) {
      await signIn(page, { agent: args.agent, password: args.password });
      await waitForRegistered(page);
      workspace = await page.evaluate(measure, [
        '#number', '#keypad button[data-key="1"]', '#keypad button[data-key="#"]', '#call-button',
        '#hangup-button', '#mute-button', '#hold-button', '#quality', '#mic-level', '#incoming-level',
        '#logout-button',
      ]);
    }
    return { width, login, workspace };
  } finally {
    await browser.close();
  }
});
