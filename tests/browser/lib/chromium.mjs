// The one way every browser test starts Chromium: Debian's /usr/bin/chromium, headless, through
// playwright-core (no browser download), with a fake microphone that plays a known WAV file.
// Why each flag is needed is written down in shared/reference/browser/NOTES.md.
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';

export const CHROMIUM_PATH = process.env.PBXBRIDGE_CHROMIUM ?? '/usr/bin/chromium';

export function chromiumArgs(fakeAudioWav) {
  const args = [
    '--use-fake-device-for-media-stream',
    '--use-fake-ui-for-media-stream',
    '--allow-loopback-in-peer-connection',
    '--ignore-certificate-errors',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--disable-gpu',
    '--disable-quic',
  ];
  if (fakeAudioWav) {
    if (!path.isAbsolute(fakeAudioWav)) throw new Error(`fake audio file must be an absolute path: ${fakeAudioWav}`);
    args.push(`--use-file-for-fake-audio-capture=${fakeAudioWav}`);
  }
  return args;
}

// Playwright starts Chromium detached (its own process group, node being the parent): that group is every Chromium
// process (browser, renderers, network service) and nothing else. Linux only: read from /proc.
async function chromiumProcessGroup() {
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat;
    try {
      stat = await readFile(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // exited meanwhile
    }
    // pid (comm) state ppid pgrp ...: comm may hold spaces, so split after its closing parenthesis.
    const [, ppid, pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(ppid) === process.pid && Number(pgrp) === Number(entry)) return Number(entry);
  }
  throw new Error(`no Chromium process group found among the children of node ${process.pid}`);
}

// Returns { context, page, close, signal }. close() also removes the temporary profile. signal('SIGSTOP'|'SIGKILL'|...)
// sends a signal to every Chromium process at once, without Playwright knowing: a browser that freezes or crashes.
// Options: fakeAudioWav (absolute path), viewport ({width,height}), permissions (default ['microphone']),
// extraArgs (more Chromium switches).
export async function launchChromium(options = {}) {
  const profile = await mkdtemp(path.join(tmpdir(), 'pbxbridge-chromium-'));
  let context;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM_PATH,
      headless: true,
      ignoreHTTPSErrors: true,
      viewport: options.viewport ?? { width: 420, height: 860 },
      permissions: options.permissions ?? ['microphone'],
      args: [...chromiumArgs(options.fakeAudioWav), ...(options.extraArgs ?? [])],
    });
  } catch (error) {
    await rm(profile, { recursive: true, force: true });
    throw error;
  }
  const page = context.pages()[0] ?? (await context.newPage());
  const consoleLines = [];
  page.on('console', (message) => {
    consoleLines.push(`${message.type()}: ${message.text()}`);
    if (consoleLines.length > 200) consoleLines.shift();
  });
  page.on('pageerror', (error) => consoleLines.push(`pageerror: ${error.message}`));
  return {
    context,
    page,
    consoleLines,
    async signal(name) {
      const group = await chromiumProcessGroup();
      process.kill(-group, name);
      return group;
    },
    async close() {
      await context.close().catch(() => {});
      await rm(profile, { recursive: true, force: true });
    },
  };
}
