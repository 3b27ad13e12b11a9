// The contract between a node scenario script and NodeScenario.RunAsync (C#): arguments arrive as
// --name=value, progress goes to stderr, and the LAST line on stdout is one JSON object with the result.
// A failure prints {"ok":false,"error":...} and exits 1, so the C# side can show why.
import { parseArgs } from 'node:util';

export function scenarioArgs(spec) {
  const options = Object.fromEntries(Object.keys(spec).map((name) => [name, { type: 'string' }]));
  const { values } = parseArgs({ options, strict: true, allowPositionals: false });
  for (const [name, fallback] of Object.entries(spec)) {
    if (values[name] === undefined) {
      if (fallback === undefined) throw new Error(`missing --${name}=...`);
      values[name] = fallback;
    }
  }
  return values;
}

export function log(...parts) {
  process.stderr.write(`[${new Date().toISOString().slice(11, 23)}] ${parts.join(' ')}\n`);
}

export async function runScenario(body) {
  // A promise nobody awaited (say a `return page.evaluate(...)` inside try/finally that closes the browser first)
  // must still end in the JSON failure line with its stack, not in node's bare crash.
  process.on('unhandledRejection', (error) => {
    log('unhandled rejection:', error?.stack ?? String(error));
    process.stdout.write(`${JSON.stringify({ ok: false, error: `unhandled rejection: ${error?.message ?? error}` })}\n`);
    process.exit(1);
  });
  try {
    const result = await body();
    process.stdout.write(`${JSON.stringify({ ok: true, ...result })}\n`);
    process.exit(0);
  } catch (error) {
    log(error?.stack ?? String(error));
    process.stdout.write(`${JSON.stringify({ ok: false, error: String(error?.message ?? error) })}\n`);
    process.exit(1);
  }
}
