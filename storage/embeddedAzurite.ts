import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as readline from 'node:readline';

export interface EmbeddedAzuriteOptions {
  /** Folder for persisted data. Without it (or with inMemory, which ignores it) nothing is written to disk. */
  location?: string;
  inMemory?: boolean;
  /** Hide Azurite's own output (startup lines and per-request access log). Errors are still shown. */
  silent?: boolean;
  /** 0 or absent: the OS picks a free port. */
  tablePort?: number;
  queuePort?: number;
  startTimeoutMs?: number;
}

export interface EmbeddedAzurite {
  connectionString: string;
  tablePort: number;
  queuePort: number;
  /** Graceful: Azurite flushes its database files before exiting. Safe to call twice. */
  stop(): Promise<void>;
  /** SIGKILL, to simulate a storage outage. Persisted writes from the last ~5 s may be lost (see below). */
  kill(): void;
  /** Starts again on the same ports and location (stopping gracefully first if still running). */
  restart(): Promise<void>;
}

const ACCOUNT = 'devstoreaccount1';
// The well-known Azurite development key: public, and only accepted by the emulator.
const ACCOUNT_KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';
const HOST = '127.0.0.1';

export function azuriteConnectionString(tablePort: number, queuePort: number): string {
  return (
    `DefaultEndpointsProtocol=http;AccountName=${ACCOUNT};AccountKey=${ACCOUNT_KEY};` +
    `TableEndpoint=http://${HOST}:${tablePort}/${ACCOUNT};QueueEndpoint=http://${HOST}:${queuePort}/${ACCOUNT};`
  );
}

/*
 * `require('azurite')` loads the VS Code extension entry, so Azurite runs as a child process.
 * We use the combined entry (azurite.js) rather than azurite-table + azurite-queue: one process instead
 * of two (~150 MB less), it handles SIGTERM (azurite-table only handles SIGINT), and with port 0 it
 * prints the port it actually bound, whereas azurite-table prints the requested port. The cost is an
 * unused blob endpoint on another random loopback port.
 */
function azuriteEntry(): string {
  return path.join(path.dirname(require.resolve('azurite/package.json')), 'dist', 'src', 'azurite.js');
}

/*
 * Runs inside the child before Azurite. An 'exit' hook in the parent cannot run when the parent is
 * SIGKILLed or dies on an unhandled signal (mocha timeout, closed terminal), so the child also watches
 * for being re-parented and shuts itself down. SIGTERM lets Azurite save its files; the timer is the
 * backstop if that hangs. Both timers are unref'd so they never keep a stopped Azurite alive.
 */
const ORPHAN_WATCHDOG = `/* embedded azurite (storage/embeddedAzurite.ts) */
const parent = process.ppid;
const watchdog = setInterval(() => {
  if (process.ppid === parent) return;
  clearInterval(watchdog);
  setTimeout(() => process.exit(1), 5000).unref();
  process.kill(process.pid, 'SIGTERM');
}, 500);
watchdog.unref();
require(process.argv[1]);
`;

const LISTENING = /Azurite (Table|Queue) service is successfully listening at http:\/\/[^:]+:(\d+)/;

const live = new Map<ChildProcess, 'SIGKILL' | 'SIGTERM'>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // Only synchronous work is possible here. A persisted store gets SIGTERM so it still saves its files
  // after we are gone (the watchdog bounds how long it lingers); in-memory stores have nothing to save.
  process.on('exit', () => {
    for (const [child, signal] of live) child.kill(signal);
  });
}

interface Running {
  child: ChildProcess;
  exited: Promise<void>;
}

export async function startEmbeddedAzurite(opts: EmbeddedAzuriteOptions = {}): Promise<EmbeddedAzurite> {
  const inMemory = opts.inMemory === true || opts.location === undefined;
  const location = inMemory ? undefined : path.resolve(opts.location!);
  if (location) fs.mkdirSync(location, { recursive: true });
  const silent = opts.silent ?? true;
  const timeoutMs = opts.startTimeoutMs ?? 30_000;

  let ports = { table: opts.tablePort ?? 0, queue: opts.queuePort ?? 0 };
  let running: Running | undefined;

  const launch = async (): Promise<void> => {
    const args = [
      '-e',
      ORPHAN_WATCHDOG,
      azuriteEntry(),
      '--blobHost', HOST, '--blobPort', '0',
      '--tableHost', HOST, '--tablePort', String(ports.table),
      '--queueHost', HOST, '--queuePort', String(ports.queue),
      '--skipApiVersionCheck',
      '--disableTelemetry',
      '--loose',
    ];
    // Azurite refuses --location together with --inMemoryPersistence; its workspace then defaults to
    // the cwd, which it only checks for access (nothing is written with telemetry off).
    if (inMemory) args.push('--inMemoryPersistence');
    else args.push('--location', location!);
    if (silent) args.push('--silent');

    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true });
    live.set(child, inMemory ? 'SIGKILL' : 'SIGTERM');
    installExitHook();
    const exited = new Promise<void>((resolve) => {
      child.once('exit', () => {
        live.delete(child);
        resolve();
      });
    });
    running = { child, exited };

    const recent: string[] = [];
    const found: { table?: number; queue?: number } = {};
    await new Promise<void>((resolve, reject) => {
      let settled = false;
      const settle = (err?: Error): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (err) reject(err);
        else resolve();
      };
      const fail = (why: string): void => {
        child.kill('SIGKILL');
        settle(new Error(`Embedded Azurite did not start: ${why}\n${recent.join('\n')}`));
      };
      const timer = setTimeout(() => fail(`not listening after ${timeoutMs} ms`), timeoutMs);
      readline.createInterface({ input: child.stdout! }).on('line', (line) => {
        recent.push(line);
        if (recent.length > 20) recent.shift();
        if (!silent) console.log(`[azurite] ${line}`);
        const m = LISTENING.exec(line);
        if (m) {
          if (m[1] === 'Table') found.table = Number(m[2]);
          else found.queue = Number(m[2]);
          if (found.table !== undefined && found.queue !== undefined) settle();
        }
      });
      readline.createInterface({ input: child.stderr! }).on('line', (line) => {
        recent.push(line);
        if (recent.length > 20) recent.shift();
        if (settled) console.error(`[azurite] ${line}`);
      });
      child.once('error', (err) => fail(err.message));
      child.once('exit', (code, signal) => fail(`exited early (code ${code}, signal ${signal})`));
    });
    ports = { table: found.table!, queue: found.queue! };
  };

  const stop = async (): Promise<void> => {
    const r = running;
    if (!r) return;
    running = undefined;
    if (r.child.exitCode === null && r.child.signalCode === null) {
      r.child.kill('SIGTERM');
      const deadline = setTimeout(() => r.child.kill('SIGKILL'), 10_000);
      await r.exited;
      clearTimeout(deadline);
    }
  };

  await launch();

  const handle: EmbeddedAzurite = {
    connectionString: azuriteConnectionString(ports.table, ports.queue),
    tablePort: ports.table,
    queuePort: ports.queue,
    stop,
    kill: () => {
      running?.child.kill('SIGKILL');
    },
    restart: async () => {
      // After kill() the old process may not have released its ports yet; stop() waits for its exit.
      await stop();
      await launch();
    },
  };
  return handle;
}
