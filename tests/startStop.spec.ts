import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startEmbeddedAzurite, type EmbeddedAzurite } from '../storage/embeddedAzurite';

/**
 * The processes people actually run: the compiled production build (`npm run build`, then what
 * `npm start` and App Service run) and the TypeScript entry `npm run dev` runs. Each must come up,
 * answer /healthz, and stop once and cleanly when Ctrl-C's SIGINT is followed by a SIGTERM (what
 * dev.ts, and App Service on a restart, send): exit code 0 and nothing on stderr.
 */
const ROOT = path.resolve(__dirname, '..');
/** Inside the repository (git-ignored) so the build resolves node_modules like dist/ does. */
const OUT = path.join(ROOT, '.data', 'test-build');
const START = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).scripts.start as string;

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  health: { status: number; body: unknown };
}

async function startHealthStop(args: string[], env: Record<string, string>): Promise<Run> {
  const child = spawn(process.execPath, args, { cwd: ROOT, env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('close', (code, signal) => resolve({ code, signal })));
  try {
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no "listening" line within 90 s:\n${stdout}\n${stderr}`)), 90_000);
      const look = () => {
        const m = /"port":(\d+)[^\n]*bot listening/.exec(stdout);
        if (m) {
          clearTimeout(timer);
          resolve(Number(m[1]));
        }
      };
      child.stdout.on('data', look);
      void exited.then(() => reject(new Error(`exited before listening:\n${stdout}\n${stderr}`)));
    });
    const res = await fetch(`http://127.0.0.1:${port}/healthz`);
    const health = { status: res.status, body: await res.json() };
    child.kill('SIGINT');
    // The second signal arrives while the first stop is still running, as it does from dev.ts.
    await new Promise((r) => setTimeout(r, 50));
    child.kill('SIGTERM');
    const { code, signal } = await exited;
    return { code, signal, stdout, stderr, health };
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
}

describe('start and stop of the real processes', function () {
  this.timeout(240_000);
  let azurite: EmbeddedAzurite;
  const env = () => ({ STORAGE_CONNECTION_STRING: azurite.connectionString, PORT: '0', LOG_LEVEL: 'info' });

  before(async () => {
    azurite = await startEmbeddedAzurite({ inMemory: true, silent: true });
  });
  after(async () => azurite?.stop());

  it('npm run build compiles to JavaScript that starts with plain node, answers /healthz and stops with exit 0', async () => {
    const build = spawnSync(process.execPath, ['scripts/build.mjs', path.relative(ROOT, OUT)], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(build.status, 0, build.stderr + build.stdout);
    for (const f of ['bot/main.js', 'bot/workerMain.js', 'scripts/import.js', 'cards/render.js']) assert.ok(fs.existsSync(path.join(OUT, f)), `${f} built`);
    const templates = fs.readdirSync(path.join(ROOT, 'cards', 'templates')).filter((f) => f.endsWith('.json'));
    assert.deepEqual(fs.readdirSync(path.join(OUT, 'cards', 'templates')).sort(), templates.sort(), 'card templates sit beside the compiled renderer');
    assert.ok(!fs.readdirSync(OUT, { recursive: true }).some((f) => String(f).endsWith('.ts')), 'no TypeScript in the build');

    // npm start's own command line, pointed at this build.
    const [, ...flags] = START.split(' ');
    const args = flags.map((a) => (a === 'dist/bot/main.js' ? path.join(OUT, 'bot', 'main.js') : a));
    assert.ok(args.includes(path.join(OUT, 'bot', 'main.js')), `npm start runs dist/bot/main.js: ${START}`);
    const r = await startHealthStop(args, env());
    assert.equal(r.health.status, 200);
    assert.deepEqual(r.health.body, { status: 'ok' });
    assert.equal(r.stderr, '', 'nothing on stderr: no deprecation warning, no shutdown error');
    assert.deepEqual({ code: r.code, signal: r.signal }, { code: 0, signal: null }, r.stdout);
    assert.equal(r.stdout.match(/"msg":"stopping"/g)?.length, 1, 'the stop sequence ran once');
  });

  it('the dev entry (tsx bot/main.ts) stops once on SIGINT then SIGTERM, exit 0, no BottleneckError', async () => {
    const r = await startHealthStop(['--disable-warning=DEP0111', '--import', 'tsx', 'bot/main.ts'], env());
    assert.equal(r.health.status, 200);
    assert.doesNotMatch(r.stderr, /BottleneckError|stop\(\) has already been called/);
    assert.equal(r.stderr, '');
    assert.deepEqual({ code: r.code, signal: r.signal }, { code: 0, signal: null }, r.stdout);
    assert.equal(r.stdout.match(/"msg":"stopping"/g)?.length, 1);
  });
});
