// Before the mocha suite: the board-pack HTML spec checks the page in headless Chromium with axe-core,
// so `npm test` on a fresh machine of this kind installs Debian's chromium itself (as root, from the
// Debian mirror) rather than failing on a missing browser. E2E_CHROMIUM names another binary; it is
// never downloaded from anywhere else.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

const wanted = process.env.E2E_CHROMIUM ?? '/usr/bin/chromium';
if (existsSync(wanted)) process.exit(0);
if (process.env.E2E_CHROMIUM) {
  console.error(`E2E_CHROMIUM is set to ${wanted}, and there is nothing there.`);
  process.exit(1);
}
const aptGet = spawnSync('sh', ['-c', 'command -v apt-get'], { encoding: 'utf8' }).stdout.trim();
if (!aptGet || process.getuid?.() !== 0) {
  console.error('No Chromium at /usr/bin/chromium. Install Debian\'s chromium (apt-get install chromium) or set E2E_CHROMIUM to a Chromium binary.');
  process.exit(1);
}
console.log('Installing Debian\'s chromium for the board-pack accessibility spec (once per machine)…');
const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
for (const args of [['update', '-qq'], ['install', '-y', '-qq', 'chromium']]) {
  const r = spawnSync(aptGet, args, { stdio: ['ignore', 'ignore', 'inherit'], env });
  if (r.status !== 0) {
    console.error(`apt-get ${args.join(' ')} failed (exit ${r.status}).`);
    process.exit(1);
  }
}
if (!existsSync(wanted)) {
  console.error(`apt-get installed chromium, but there is still nothing at ${wanted}.`);
  process.exit(1);
}
