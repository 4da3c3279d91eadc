import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

/*
 * Builds the folder that is zip-deployed to the Azure Web App (m365agents.yml "deploy", or by hand
 * with `az webapp deploy`; see docs/DEPLOY.md):
 *
 *   npx tsx infra/build-deploy.ts [outDir]        (default .data/deploy, which git ignores)
 *
 * Production runs compiled JavaScript: this runs `npm run build` (tsc to dist/, card templates
 * copied beside the code) in the working copy, copies dist/ and the package files, and installs the
 * runtime dependencies with `npm ci --omit=dev` in the output folder, never in the working copy, so a
 * developer's own node_modules is left alone. No TypeScript compiler, tsx, test tools, browser driver
 * or Agents Playground reach the server. The Web App runs `node dist/bot/main.js` (as `npm start`).
 *
 * App Service runs Linux x64, so any platform-specific packages are chosen for Linux x64 whatever
 * machine this runs on (npm's --os and --cpu, npm 10 or later).
 */

const ROOT = path.resolve(__dirname, '..');
export const DEFAULT_OUT = path.join(ROOT, '.data', 'deploy');

/** What the server needs: the build (code and card templates) and the lock file to install from. */
export const RUNTIME_PATHS = ['dist', 'package.json', 'package-lock.json'];

export const NPM_ARGS = ['ci', '--omit=dev', '--os=linux', '--cpu=x64', '--no-audit', '--no-fund'];

function main(): void {
  const out = path.resolve(process.argv[2] ?? DEFAULT_OUT);
  if (out === ROOT || ROOT.startsWith(out + path.sep)) throw new Error(`refusing to build into ${out}: it would replace the working copy`);
  const build = spawnSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit', shell: process.platform === 'win32' });
  if (build.status !== 0) throw new Error(`npm run build failed (${build.error?.message ?? `exit code ${build.status}`})`);
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
  if (!fs.existsSync(path.join(out, 'dist', 'bot', 'main.js'))) throw new Error('dist/bot/main.js is missing; the Web App could not start');
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
