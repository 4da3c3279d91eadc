import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

/*
 * Builds the folder that is zip-deployed to the Azure Web App (m365agents.yml "deploy", or by hand
 * with `az webapp deploy`; see docs/DEPLOY.md):
 *
 *   npx tsx infra/build-deploy.ts [outDir]        (default .data/deploy, which git ignores)
 *
 * The bot runs from its TypeScript sources with tsx (`npm start` is `tsx bot/main.ts`; the Web App
 * runs `node --import tsx bot/main.ts`). tsx, and everything else the bot imports at run time, are in
 * package.json "dependencies", so the production install is `npm ci --omit=dev`: no TypeScript
 * compiler, test tools, browser driver or Agents Playground on the server. It is run in the output
 * folder, never in the working copy, so a developer's own node_modules is left alone.
 *
 * App Service runs Linux x64, so the platform-specific packages (esbuild's binary, which tsx uses)
 * are chosen for Linux x64 whatever machine this runs on (npm's --os and --cpu, npm 10 or later).
 */

const ROOT = path.resolve(__dirname, '..');
export const DEFAULT_OUT = path.join(ROOT, '.data', 'deploy');

/** What the server needs: the layers bot/main.ts imports, the card templates, the import CLI, and the lock file. */
export const RUNTIME_PATHS = [
  'bot',
  'cards',
  'config',
  'domain',
  'proactive',
  'services',
  'storage',
  'scripts/import.ts',
  'scripts/openServices.ts',
  'package.json',
  'package-lock.json',
  'tsconfig.json',
];

export const NPM_ARGS = ['ci', '--omit=dev', '--os=linux', '--cpu=x64', '--no-audit', '--no-fund'];

function main(): void {
  const out = path.resolve(process.argv[2] ?? DEFAULT_OUT);
  if (out === ROOT || ROOT.startsWith(out + path.sep)) throw new Error(`refusing to build into ${out}: it would replace the working copy`);
  fs.rmSync(out, { recursive: true, force: true });
  fs.mkdirSync(out, { recursive: true });
  for (const rel of RUNTIME_PATHS) {
    const from = path.join(ROOT, rel);
    if (!fs.existsSync(from)) throw new Error(`${rel} is missing from the working copy`);
    fs.cpSync(from, path.join(out, rel), { recursive: true });
  }
  console.log(`copied ${RUNTIME_PATHS.join(', ')} to ${out}`);
  console.log(`npm ${NPM_ARGS.join(' ')}`);
  const r = spawnSync('npm', NPM_ARGS, { cwd: out, stdio: 'inherit', shell: process.platform === 'win32' });
  if (r.status !== 0) throw new Error(`npm ci failed (${r.error?.message ?? `exit code ${r.status}`})`);
  if (!fs.existsSync(path.join(out, 'node_modules', 'tsx'))) throw new Error('tsx is not in the production install; the Web App could not start');
  console.log(`ready to deploy: ${out}`);
}

if (require.main === module) {
  try {
    main();
  } catch (err) {
    console.error((err as Error).message);
    process.exit(1);
  }
}
