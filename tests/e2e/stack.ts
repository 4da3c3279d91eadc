import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import * as readline from 'node:readline';
import { pathToFileURL } from 'node:url';

/*
 * The same stack as `npm run dev` (embedded Azurite, the bot, the demo data, the Agents Playground),
 * started by spawning scripts/dev.ts itself so the end-to-end test exercises exactly what a developer
 * runs. Only the environment differs: a throw-away Azurite folder and free ports, so a developer's
 * own `npm run dev` (and its data) is never touched and two runs can share a machine.
 */

export const ROOT = path.resolve(__dirname, '../..');
/** dev.ts always sends the Playground's own log here (see startPlayground in scripts/dev.ts). */
export const PLAYGROUND_LOG = path.join(ROOT, '.data', 'playground', 'm365agentsplayground.log');

export interface DevStack {
  botPort: number;
  playgroundPort: number;
  /** Resolves with the URL dev.ts printed ("Open http://localhost:PORT …"); rejects if it exits or times out first. */
  ready(timeoutMs: number): Promise<string>;
  /** The last lines dev.ts printed (its own, [bot], [seed] and [playground] lines). */
  outputTail(lines?: number): string;
  /** The Playground log lines written since this stack started. */
  playgroundLogTail(lines?: number): string;
  /** SIGTERM to dev.ts (which stops the Playground, the bot and Azurite in that order), SIGKILL as a backstop. */
  stop(): Promise<void>;
  /** Last resort, synchronous (for process 'exit'): SIGKILL dev.ts's whole process group. */
  kill(): void;
}

export interface LaunchOptions {
  /** Folder for the throw-away Azurite data. */
  workDir: string;
  /** Where dev.ts's full output goes (its own lines and the bot's, seed's and Playground's). */
  logFile: string;
  log?: (line: string) => void;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

function fileSize(file: string): number {
  try {
    return fs.statSync(file).size;
  } catch {
    return 0;
  }
}

/** The environment dev.ts gets: ours, minus anything that would point it at real or shared state. */
export function stackEnv(base: NodeJS.ProcessEnv, workDir: string, botPort: number, playgroundPort: number): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...base };
  // A real account, a fixed date, an identity or a tenant guard would all change what the user sees;
  // the Playground sends unauthenticated requests from its own mock tenant.
  for (const name of [
    'STORAGE_CONNECTION_STRING',
    'FAKE_TODAY',
    'DEV_SKIP_SEED',
    'DEV_BOT_ENTRY',
    'MicrosoftAppId',
    'MicrosoftAppPassword',
    'MicrosoftAppTenantId',
    'MicrosoftAppType',
    'ALLOWED_TENANT_IDS',
    'ADMIN_USER_IDS',
    'M365_AGENTS_PLAYGROUND_CONFIG_PATH',
  ]) {
    delete env[name];
  }
  return {
    ...env,
    AZURITE_LOCATION: path.join(workDir, 'azurite'),
    PORT: String(botPort),
    DEV_PLAYGROUND_PORT: String(playgroundPort),
    // Reminders and digests are not part of this test: a proactive card arriving mid-scenario (on a
    // weekday in working hours) would only add noise. Everything else is as `npm run dev` runs it.
    SCHEDULER_ENABLED: 'false',
  };
}

export async function launchDevStack(opts: LaunchOptions): Promise<DevStack> {
  const log = opts.log ?? ((line: string) => console.log(line));
  fs.mkdirSync(opts.workDir, { recursive: true });
  const botPort = await freePort();
  const playgroundPort = await freePort();
  const playgroundLogStart = fileSize(PLAYGROUND_LOG);
  fs.mkdirSync(path.dirname(opts.logFile), { recursive: true });
  const devLog = fs.createWriteStream(opts.logFile);
  const tail: string[] = [];

  const tsxLoader = pathToFileURL(require.resolve('tsx')).href;
  log(`[e2e] starting scripts/dev.ts (bot on :${botPort}, Playground on :${playgroundPort}, Azurite in ${opts.workDir})`);
  // detached: dev.ts leads its own process group (Azurite, the bot and the Playground are in it), so
  // the backstop can take everything down at once, and a Ctrl-C in the terminal reaches only us: we
  // then stop dev.ts in order.
  const child = spawn(process.execPath, ['--import', tsxLoader, path.join(ROOT, 'scripts', 'dev.ts')], {
    cwd: ROOT,
    env: stackEnv(process.env, opts.workDir, botPort, playgroundPort),
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let exited = false;
  const exitedP = new Promise<string>((resolve) => {
    child.once('close', (code, signal) => {
      exited = true;
      resolve(signal ? `signal ${signal}` : `exit code ${code}`);
    });
    child.once('error', (err) => {
      exited = true;
      resolve(`could not start: ${err.message}`);
    });
  });

  let onLine: ((line: string) => void) | undefined;
  for (const stream of [child.stdout, child.stderr]) {
    readline.createInterface({ input: stream }).on('line', (line) => {
      devLog.write(`${line}\n`);
      tail.push(line);
      if (tail.length > 400) tail.splice(0, tail.length - 400);
      onLine?.(line);
    });
  }

  const kill = () => {
    if (!child.pid) return;
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      /* the group is empty */
    }
  };

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      if (!exited) {
        try {
          child.kill('SIGTERM');
        } catch {
          /* already gone */
        }
        const timer = setTimeout(kill, 20_000);
        await exitedP;
        clearTimeout(timer);
      }
      // Anything dev.ts left behind in its group (normally nothing).
      kill();
      await new Promise<void>((resolve) => devLog.end(resolve));
    })());

  const ready = (timeoutMs: number): Promise<string> => {
    let timer: NodeJS.Timeout | undefined;
    return new Promise<string>((resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`dev.ts did not print "Open http://localhost:…" within ${timeoutMs / 1000} s`)), timeoutMs);
      onLine = (line) => {
        const m = /Open (http:\/\/localhost:\d+)/.exec(line);
        if (m) resolve(m[1]);
        else if (/^\[dev\]|^\[seed\] plan import/.test(line)) log(`  ${line}`);
      };
      void exitedP.then((how) => reject(new Error(`dev.ts exited (${how}) before the Playground was ready`)));
    }).finally(() => {
      clearTimeout(timer);
      onLine = undefined;
    });
  };

  const outputTail = (lines = 60) => tail.slice(-lines).join('\n');

  const playgroundLogTail = (lines = 40) => {
    try {
      const fd = fs.openSync(PLAYGROUND_LOG, 'r');
      try {
        const size = fs.fstatSync(fd).size;
        // The log is shared by every dev.ts in this checkout; show only what this run appended
        // (or the whole file if it was replaced since).
        const from = size >= playgroundLogStart ? playgroundLogStart : 0;
        const buf = Buffer.alloc(Math.min(size - from, 256 * 1024));
        fs.readSync(fd, buf, 0, buf.length, size - buf.length);
        return buf.toString('utf8').trimEnd().split('\n').slice(-lines).join('\n');
      } finally {
        fs.closeSync(fd);
      }
    } catch (err) {
      return `(no Playground log at ${PLAYGROUND_LOG}: ${(err as Error).message})`;
    }
  };

  return { botPort, playgroundPort, ready, outputTail, playgroundLogTail, stop, kill };
}
