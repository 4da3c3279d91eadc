import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { launchDevStack, ROOT } from './stack';
import { Playground } from './playground';
import { loadConfig } from '../../config/loadConfig';
import { openServices } from '../../scripts/openServices';

/*
 * `npx tsx tests/e2e/kpiScreens.ts`: the KPI card before and after recording a value, in the Agents
 * Playground in headless Chromium, as Rosa Bennett. The demo KPI file names no owners, so c056 is
 * given to her role (HoS (RB)) in storage first, as an admin would with "kpi c056 owner HoS (RB)".
 * Screenshots go to test-results/kpi/. Not part of npm test: look at them.
 */
const RESULTS = path.join(ROOT, 'test-results', 'kpi');
const chromium = process.env.E2E_CHROMIUM ?? '/usr/bin/chromium';

async function main(): Promise<void> {
  fs.rmSync(RESULTS, { recursive: true, force: true });
  fs.mkdirSync(RESULTS, { recursive: true });
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ipb-kpi-'));
  const stack = await launchDevStack({ workDir, logFile: path.join(RESULTS, 'dev.log') });
  let pg: Playground | undefined;
  try {
    const url = await stack.ready(180_000);
    const { services, close } = await openServices(loadConfig({ AZURITE_LOCATION: path.join(workDir, 'azurite') }));
    await services.kpis.setOwner('c056', 'HoS (RB)');
    await close();
    pg = await Playground.open({ url, executablePath: chromium, screenshotsDir: RESULTS, timeoutMs: 20_000 });
    await pg.waitForCard('the welcome card', 0, (t) => t.includes('Welcome'), 30_000);
    const from = await pg.send('kpi c056');
    const { card, index, text } = await pg.waitForCard('the c056 card', from, (t) => /c056: /.test(t));
    console.log(`before:\n${text}\n`);
    await pg.screenshot('kpi-before', card);
    await pg.press(card, 'Record value');
    const form = await pg.waitForCardChange('the record form', index, (t) => /Record a value/.test(t));
    console.log(`form:\n${form.text}\n`);
    await pg.fill(form.card, /^Value/, '85.1');
    await pg.fill(form.card, /^Reason/, 'figure restated by the data team');
    await pg.screenshot('kpi-form', form.card);
    await pg.press(form.card, 'Save value');
    const after = await pg.waitForCardChange('the saved card', index, (t) => /Saved: /.test(t));
    console.log(`after:\n${after.text}\n`);
    await pg.screenshot('kpi-after', after.card);
  } finally {
    await pg?.close();
    await stack.stop();
    fs.rmSync(workDir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (err: Error) => {
    console.error(err.stack ?? err.message);
    process.exit(1);
  },
);
