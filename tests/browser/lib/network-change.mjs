// Issue 23: the network under a page changes mid-call, as a phone moving from Wi-Fi to 4G. Runs inside the browser's
// own network namespace as root: the old address goes (removing a subnet's primary address takes its secondaries
// with it, so it goes first), the new one comes, and the old address's TCP connections are aborted as the OS does
// (ss -K). The page's recoverCall (jssip-page / sipjs-page) is armed first and reports how the call came back.
import { execFileSync } from 'node:child_process';

export async function changeNetwork(page, { oldAddress, newAddress, device = 'br0', timeoutMs = 45000 }) {
  // Armed (and back) before the change: the WebSocket closes as soon as the old address's connections are aborted.
  await page.evaluate((t) => { window.pbxRecovery = window.phone.recoverCall(t); }, timeoutMs);
  moveAddress({ oldAddress, newAddress, device });
  return page.evaluate(() => window.pbxRecovery);
}

// The move itself, for pages that recover by themselves (/phone): nothing in the page is told.
export function moveAddress({ oldAddress, newAddress, device = 'br0' }) {
  execFileSync('ip', ['addr', 'del', `${oldAddress}/24`, 'dev', device]);
  execFileSync('ip', ['addr', 'add', `${newAddress}/24`, 'dev', device]);
  execFileSync('ss', ['-K', 'src', oldAddress], { stdio: 'ignore' });
}
