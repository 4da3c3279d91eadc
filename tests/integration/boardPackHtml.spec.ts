import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { chromium, type Browser } from 'playwright-core';
import { startEmbeddedAzurite, type EmbeddedAzurite } from '../../storage/embeddedAzurite';
import { openTables, ensureTables } from '../../storage/tables';
import { createServices } from '../../services/createServices';
import { SnapshotRepository } from '../../storage/snapshotRepository';
import { produceBoardPack } from '../../services/boardPack';
import { updateItem } from '../../services/updateStatus';
import { boardPackHtml } from '../../services/boardPackHtml';
import type { BoardPack } from '../../domain/boardPack';
import { seedFixtures } from '../support/fixtures';
import { ROSA } from '../support/botHarness';
import { CHROMIUM_ARGS } from '../e2e/playground';

const CHROMIUM = process.env.E2E_CHROMIUM ?? '/usr/bin/chromium';

interface AxeResult {
  violations: { id: string; impact: string | null; help: string; nodes: { target: string[] }[] }[];
  passes: { id: string }[];
}

describe('board pack: the HTML page in headless Chromium, checked with axe-core', function () {
  this.timeout(180_000);
  let azurite: EmbeddedAzurite;
  let browser: Browser;
  let pack: BoardPack;
  let html: string;
  let today = '2021-12-20';

  before(async () => {
    assert.ok(existsSync(CHROMIUM), `no Chromium at ${CHROMIUM}: install Debian's chromium (apt-get install chromium) or set E2E_CHROMIUM`);
    azurite = await startEmbeddedAzurite({ inMemory: true, silent: true });
    const tables = openTables(azurite.connectionString);
    await ensureTables(tables);
    const services = createServices(tables, { clock: { today: () => today, now: () => new Date(`${today}T10:00:00Z`) }, adminIds: [ROSA.aadObjectId] });
    await seedFixtures(services, ['southend2021']);
    const deps = { services, snapshots: new SnapshotRepository(tables), staleDays: 30 };
    assert.equal((await produceBoardPack(deps, { plan: 'Southend 2021' })).kind, 'ok');
    today = '2022-01-10';
    // Something in every section: a worsening with commentary, and a hostile string that must stay text.
    const r = await updateItem(services, { aadObjectId: ROSA.aadObjectId, name: ROSA.name }, { planId: 'southend-2021', ref: '1.4' }, { rag: 'red', status: 'not_on_track', commentary: 'Delayed <script>alert(1)</script> & rescheduled' }, { requestId: randomUUID(), source: 'text' });
    assert.equal(r.kind, 'saved');
    const next = await produceBoardPack(deps, { plan: 'Southend 2021' });
    assert.equal(next.kind, 'ok');
    if (next.kind !== 'ok') return;
    pack = next.pack;
    html = boardPackHtml(pack);
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  });
  after(async () => {
    await browser?.close();
    await azurite?.stop();
  });

  it('is one self-contained file: no scripts, no external styles, images or fonts', () => {
    assert.doesNotMatch(html, /<script/i);
    assert.doesNotMatch(html, /<link\b|<img\b|@import|url\(/i);
    assert.match(html, /Delayed &lt;script&gt;alert\(1\)&lt;\/script&gt; &amp; rescheduled/);
  });

  it('has semantic headings and tables, RAG as words, and zero serious or critical axe violations', async () => {
    const page = await browser.newPage();
    const external: string[] = [];
    page.on('request', (req) => (req.url().startsWith('http') ? external.push(req.url()) : undefined));
    await page.setContent(html, { waitUntil: 'load' });
    assert.deepEqual(external, [], 'the page loads nothing from elsewhere');
    assert.equal(await page.title(), 'Southend 2021: board pack as at 10 Jan 2022');
    const headings = await page.$$eval('h1, h2', (hs) => hs.map((h) => `${h.tagName}:${h.textContent}`));
    assert.deepEqual(headings, [
      'H1:Southend 2021: board pack as at 10 Jan 2022',
      'H2:Summary',
      'H2:Movement since the last pack',
      'H2:Exceptions',
      'H2:Needing attention',
      'H2:Completed and signed off',
      'H2:KPI scorecard',
    ]);
    const kpiGroups = await page.$$eval('#s-kpis ~ h3, section[aria-labelledby="s-kpis"] h3', (hs) => hs.map((h) => h.textContent));
    assert.deepEqual(kpiGroups, ['Going well', 'Ones to watch', 'Things to do better']);
    const worsened = await page.$$eval('table', (ts) => ts.find((t) => t.querySelector('caption')?.textContent === 'Worsened')?.innerText ?? '');
    assert.match(worsened, /1\.4[\s\S]*No RAG[\s\S]*Red/);
    const exceptionRows = await page.$$eval('section[aria-labelledby="s-exceptions"] tbody tr', (rs) => rs.length);
    assert.equal(exceptionRows, pack.exceptions.length);
    assert.ok(exceptionRows > 0);
    const colHeaders = await page.$$eval('thead th', (ths) => ths.every((th) => th.getAttribute('scope') === 'col'));
    assert.ok(colHeaders, 'every column header is scoped');

    await page.addScriptTag({ path: require.resolve('axe-core/axe.min.js') });
    const result = (await page.evaluate(async () => {
      const g = globalThis as unknown as { axe: { run(ctx: unknown, opts: object): Promise<unknown> }; document: unknown };
      return g.axe.run(g.document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } });
    })) as AxeResult;
    const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    assert.deepEqual(bad.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')})`), []);
    assert.ok(result.passes.some((p) => p.id === 'color-contrast'), 'axe checked the contrast and it passed');
    await page.close();
  });

  it('prints on A4 (PDF from Chromium)', async () => {
    const page = await browser.newPage();
    await page.setContent(html, { waitUntil: 'load' });
    await page.emulateMedia({ media: 'print' });
    const dir = mkdtempSync(join(tmpdir(), 'board-pack-pdf-'));
    try {
      const pdf = await page.pdf({ path: join(dir, 'pack.pdf'), preferCSSPageSize: true });
      assert.equal(pdf.subarray(0, 5).toString('latin1'), '%PDF-');
      const text = pdf.toString('latin1');
      // A4 is 595 × 842 points.
      const box = /\/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)/.exec(text);
      assert.ok(box, 'the PDF has a page size');
      assert.ok(Math.abs(Number(box[1]) - 595) < 1.5 && Math.abs(Number(box[2]) - 842) < 1.5, `page is ${box[1]} × ${box[2]} points`);
      const pages = (text.match(/\/Type\s*\/Page\b/g) ?? []).length;
      assert.ok(pages >= 2, `a plan this size runs to several A4 pages (got ${pages})`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
      await page.close();
    }
  });
});
