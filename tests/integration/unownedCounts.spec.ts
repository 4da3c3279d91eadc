import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHarness, cardOf, cardText, ROSA, type Harness } from '../support/botHarness';
import { assertValidCard } from '../support/cardValidation';
import { fixture } from '../support/fixtures';
import { importDirectoryFile, importPlanFile } from '../../services/importFiles';
import { buildDigest } from '../../services/digest';
import { produceBoardPack } from '../../services/boardPack';
import { SnapshotRepository } from '../../storage/snapshotRepository';
import { openTables } from '../../storage/tables';

/**
 * "summary", "unowned", the digest and the board pack share one rule for unowned (domain/ownership):
 * an open action whose lead is blank or held by nobody. A completed action with no holder is not
 * counted by any of them.
 */
const TODAY = '2026-11-16';
const PLAN_NAME = 'Ownership check';

// DCS is in the fixture directory; "Head of Lighthouses" is held by nobody.
const PLAN_CSV = [
  'Priority,Ref,Action,Due Date,Lead,Status',
  'Priority One: Keep the lamps lit,1.1,Agree a rota for the night shifts,Dec 2026,DCS,On track',
  ',1.2,Repaint the north tower railings,Oct 2026,Head of Lighthouses,Complete',
  ',1.3,Survey the harbour wall after the winter storms,Jan 2027,Head of Lighthouses,On track',
  ',1.4,Write the visitor safety leaflet,Feb 2027,,Not started',
  ',1.5,Replace the fog horn controller,Mar 2027,DCS,Not started',
].join('\n');

describe('unowned: one count across summary, the unowned list, the digest and the board pack', function () {
  this.timeout(90_000);
  let h: Harness;
  let planId = '';
  before(async () => {
    h = await startHarness({ today: TODAY });
    const s = h.bot.services;
    await importDirectoryFile(s, { file: fixture('people/directory.csv'), dryRun: false });
    const file = join(mkdtempSync(join(tmpdir(), 'unowned-')), 'plan.csv');
    writeFileSync(file, PLAN_CSV);
    const report = await importPlanFile(s, { file, planName: PLAN_NAME, dryRun: false });
    assert.ok(report.plan, JSON.stringify(report.problems));
    planId = (await s.plans.listPlans()).find((p) => p.name === PLAN_NAME)!.id;
    const items = await s.plans.listAllItems(planId);
    assert.equal(items.find((i) => i.ref === '1.2')?.status, 'complete', 'the fixture has a complete action with no holder');
  });
  after(async () => h?.stop());

  const ask = async (text: string) => {
    const sent = await h.say(text, { from: ROSA, where: { kind: 'personal' } });
    assert.equal(sent.length, 1, `one reply to "${text}"`);
    const card = cardOf(sent[0]);
    assertValidCard(card);
    return cardText(card);
  };

  it('"summary" over HTTP says 2, leaving out the completed action', async () => {
    const text = await ask('summary');
    assert.match(text, new RegExp(PLAN_NAME));
    assert.match(text, /Actions\n5/);
    assert.match(text, /Unowned actions\n2/);
  });

  it('"unowned" over HTTP lists exactly 1.3 and 1.4', async () => {
    const text = await ask('unowned');
    const refs = [...text.matchAll(/\*\*(\d\.\d+)\*\*/g)].map((m) => m[1]).sort();
    assert.deepEqual(refs, ['1.3', '1.4']);
  });

  it('the digest and the board pack say 2 as well', async () => {
    const s = h.bot.services;
    const digest = await buildDigest(s, { planId, today: TODAY });
    assert.equal(digest.unowned, 2);
    const r = await produceBoardPack({ services: s, snapshots: new SnapshotRepository(openTables(h.azurite.connectionString)), staleDays: 30 }, { plan: PLAN_NAME });
    assert.equal(r.kind, 'ok', JSON.stringify(r));
    if (r.kind !== 'ok') return;
    assert.equal(r.pack.totals.unowned, 2);
    assert.deepEqual(r.pack.unowned.map((x) => x.label).sort(), ['1.3', '1.4']);
  });
});
