// `npm run build [-- outDir]`: compile the runtime to dist/ (or outDir) with tsc, then copy the files
// it reads at run time (the Adaptive Card templates) next to the compiled code, so dist/ runs with
// plain `node dist/bot/main.js` and nothing from the TypeScript sources. Plain JavaScript so it needs
// no loader. outDir must sit inside the repository so node_modules resolves from it.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = path.resolve(ROOT, process.argv[2] ?? 'dist');
/** Files read from disk at run time, relative to the root; they land at the same place under outDir. */
export const RUNTIME_ASSETS = ['cards/templates'];

if (out === ROOT || !out.startsWith(ROOT + path.sep)) throw new Error(`refusing to build into ${out}: it must be a folder inside ${ROOT}`);
fs.rmSync(out, { recursive: true, force: true });
const tsc = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
const r = spawnSync(process.execPath, [tsc, '-p', path.join(ROOT, 'tsconfig.build.json'), '--outDir', out], { cwd: ROOT, stdio: 'inherit' });
if (r.status !== 0) process.exit(r.status ?? 1);
for (const rel of RUNTIME_ASSETS) fs.cpSync(path.join(ROOT, rel), path.join(out, rel), { recursive: true });
if (!fs.existsSync(path.join(out, 'bot', 'main.js'))) throw new Error(`the build did not produce ${path.relative(ROOT, out)}/bot/main.js`);
console.log(`built ${path.relative(ROOT, out)}/ (node ${path.relative(ROOT, out)}/bot/main.js)`);
