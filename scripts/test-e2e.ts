import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { launchDevStack, PLAYGROUND_LOG, ROOT, type DevStack } from '../tests/e2e/stack';
import { Playground } from '../tests/e2e/playground';
import { runScenario, StepFailure, type Reporter } from '../tests/e2e/scenario';

/*
 * `npm run test:e2e`: the bot as a person uses it, in a real browser.
 *
 * Starts the `npm run dev` stack (scripts/dev.ts: embedded Azurite in a throw-away folder, the bot,
 * the demo data, the Microsoft 365 Agents Playground) on free ports, opens the Playground in headless
 * Chromium with playwright-core and runs tests/e2e/scenario.ts. Each step saves a screenshot of the
 * page and one of the card it is about to test-results/e2e/, with dev.ts's whole output in dev.log.
 * On failure it prints the Playground log and the bot's output and exits 1. Everything it started is
 * stopped on exit, Ctrl-C included.
 *
 * Environment (all optional):
 *   E2E_CHROMIUM        Chromium binary (/usr/bin/chromium). Never downloaded.
 *   E2E_TIMEOUT_MS      how long to wait for each answer from the bot (20000)
 *   E2E_READY_MS        how long the stack may take to start, demo data included (180000)
 *   E2E_STRICT=1        also fail on the known bot issues the scenario works around (listed at the end)
 *   E2E_KEEP=1          keep the temporary Azurite folder (its path is printed)
 */

const RESULTS = path.join(ROOT, 'test-results', 'e2e');
const chromiumPath = process.env.E2E_CHROMIUM ?? '/usr/bin/chromium';
const answerTimeout = Number(process.env.E2E_TIMEOUT_MS ?? 20_000);
const readyTimeout = Number(process.env.E2E_READY_MS ?? 180_000);
const strict = process.env.E2E_STRICT === '1';
const keep = process.env.E2E_KEEP === '1';

const started = Date.now();
const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const knownIssues: string[] = [];

let stack: DevStack | undefined;
let pg: Playground | undefined;
let workDir: string | undefined;
let cleaning: Promise<void> | undefined;

function removeWorkDir(): void {
  if (workDir && !keep) fs.rmSync(workDir, { recursive: true, force: true });
}

function cleanup(): Promise<void> {
  cleaning ??= (async () => {
    try {
      await pg?.close();
    } catch (err) {
      console.error(`[e2e] closing Chromium: ${(err as Error).message}`);
    }
    await stack?.stop();
    removeWorkDir();
    if (workDir && keep) console.log(`[e2e] kept ${workDir}`);
  })();
  return cleaning;
}

const reporter: Reporter = {
  async step(name, run) {
    const t0 = Date.now();
    console.log(`[e2e] … ${name}`);
    try {
      const result = await run();
      console.log(`[e2e] ✓ ${name} (${secs(Date.now() - t0)})`);
      return result;
    } catch (err) {
      console.log(`[e2e] ✗ ${name} (${secs(Date.now() - t0)})`);
      throw err;
    }
  },
  knownIssue(message) {
    knownIssues.push(message);
    console.log(`[e2e]   ! known issue: ${message}`);
  },
  note(message) {
    console.log(`[e2e]   ${message}`);
  },
};

function printDiagnostics(s: DevStack): void {
  console.error(`\n--- Playground log (${path.relative(ROOT, PLAYGROUND_LOG)}, this run) ---\n${s.playgroundLogTail(50)}`);
  console.error(`\n--- dev.ts / bot output (last 80 lines; all of it in ${path.relative(ROOT, RESULTS)}/dev.log) ---\n${s.outputTail(80)}\n`);
}

async function main(): Promise<number> {
  fs.rmSync(RESULTS, { recursive: true, force: true });
  fs.mkdirSync(RESULTS, { recursive: true });
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ipb-e2e-'));

  stack = await launchDevStack({ workDir, logFile: path.join(RESULTS, 'dev.log') });
  let url: string;
  try {
    url = await stack.ready(readyTimeout);
  } catch (err) {
    if (signalled) return 130;
    console.error(`\n[e2e] FAILED to start the stack: ${(err as Error).message}`);
    printDiagnostics(stack);
    return 1;
  }
  console.log(`[e2e] stack ready in ${secs(Date.now() - started)}: ${url}`);

  try {
    pg = await Playground.open({ url, executablePath: chromiumPath, screenshotsDir: RESULTS, timeoutMs: answerTimeout });
    await runScenario(pg, reporter);
  } catch (err) {
    if (signalled) return 130;
    const e = err as Error;
    console.error(`\n[e2e] FAILED: ${e instanceof StepFailure ? e.message : (e.stack ?? e.message)}`);
    if (pg) {
      try {
        await pg.page.screenshot({ path: path.join(RESULTS, 'failure.png') });
        console.error(`[e2e] screenshot of the failure: ${path.relative(ROOT, RESULTS)}/failure.png`);
      } catch {
        /* the browser is gone */
      }
      if (pg.pageErrors.length) console.error(`[e2e] errors in the Playground page:\n  ${pg.pageErrors.slice(-10).join('\n  ')}`);
    }
    printDiagnostics(stack);
    return 1;
  }

  const shots = fs.readdirSync(RESULTS).filter((f) => f.endsWith('.png'));
  console.log(`\n[e2e] passed in ${secs(Date.now() - started)}; ${shots.length} screenshots in ${path.relative(ROOT, RESULTS)}/`);
  if (knownIssues.length) {
    console.log(`[e2e] ${knownIssues.length} known issue(s) in the bot${strict ? ' (E2E_STRICT=1: failing)' : ' (E2E_STRICT=1 fails on them)'}:`);
    for (const k of knownIssues) console.log(`  - ${k}`);
    if (strict) return 1;
  }
  return 0;
}

let signalled = false;
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(signal, () => {
    if (signalled) {
      // A second Ctrl-C: do not wait for a graceful stop.
      stack?.kill();
      process.exit(130);
    }
    signalled = true;
    console.error(`\n[e2e] ${signal}: stopping everything…`);
    void cleanup().finally(() => process.exit(130));
  });
}
// Whatever happens (an exception here, process.exit from a library), nothing outlives this process.
process.on('exit', () => {
  stack?.kill();
  pg?.removeProfile();
  removeWorkDir();
});

main()
  .catch((err: Error) => {
    console.error(`[e2e] ${err.stack ?? err.message}`);
    return 1;
  })
  .then(async (code) => {
    await cleanup();
    process.exit(code);
  });
