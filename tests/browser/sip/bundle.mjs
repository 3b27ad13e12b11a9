// Bundles a SIP library from node_modules into one browser script (IIFE) that sets a window global, so the
// real, unmodified JsSIP / SIP.js code runs in Chromium exactly as a softphone built on it would.
import { build } from 'esbuild';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const entries = {
  jssip: "import JsSIP from 'jssip'; window.JsSIP = JsSIP;",
  sipjs: "import * as SIP from 'sip.js'; window.SIP = SIP;",
};

export async function bundleLibrary(name) {
  const result = await build({
    stdin: { contents: entries[name], resolveDir: root, loader: 'js' },
    bundle: true,
    format: 'iife',
    platform: 'browser',
    write: false,
    logLevel: 'silent',
  });
  return result.outputFiles[0].text;
}
