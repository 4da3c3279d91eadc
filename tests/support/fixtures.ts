import * as path from 'node:path';
import assert from 'node:assert/strict';
import type { Services } from '../../services/context';
import type { Action } from '../../domain/model';
import { readTable } from '../../domain/import/readTable';
import { parsePlan, type ParsePlanResult } from '../../domain/import/planParser';
import { importDirectoryFile, importKpiFile, importKpiValuesFile, importPlanFile } from '../../services/importFiles';

/**
 * The project's own fixtures: the three council layouts with every quirk kept (refs, dates, owners,
 * statuses, slipped cells) but the prose rewritten, so the suite runs on any clone. The councils'
 * original files are checked separately, where they exist (tests/domain/sharedCouncilFiles.spec.ts).
 */
export const FIXTURES = path.resolve(__dirname, '../fixtures');

export const fixture = (rel: string) => path.join(FIXTURES, rel);

export const PLAN_FILES = {
  southend2021: { name: 'Southend 2021', file: fixture('plans/southend-2021-priorities.csv') },
  southend2016: { name: 'Southend 2016', file: fixture('plans/southend-2016-milestones.csv') },
  sefton2022: { name: 'Sefton 2022', file: fixture('plans/sefton-2022-phase1.csv') },
} as const;

/** Load the directory, KPIs and the named plans through the real import path. */
export async function seedFixtures(s: Services, plans: (keyof typeof PLAN_FILES)[] = ['southend2021']): Promise<void> {
  await importDirectoryFile(s, { file: fixture('people/directory.csv'), dryRun: false });
  await importKpiFile(s, { file: fixture('kpis/kpis.csv'), dryRun: false });
  await importKpiValuesFile(s, { file: fixture('kpis/kpi-values.csv'), dryRun: false, enteredBy: 'fixture' });
  for (const p of plans) await importPlanFile(s, { file: PLAN_FILES[p].file, planName: PLAN_FILES[p].name, dryRun: false });
}

/**
 * Parse a fixture plan once for a describe block (call inside describe): `plan.result` is the parse,
 * `plan.action(ref)` an action that must exist.
 */
export function parsedPlanFixture(rel: string): { readonly result: ParsePlanResult; action(ref: string): Action } {
  let parsed: ParsePlanResult | undefined;
  before(async () => {
    parsed = parsePlan(await readTable(fixture(rel)));
  });
  return {
    get result() {
      assert.ok(parsed, 'the fixture is parsed in before()');
      return parsed;
    },
    action(ref: string) {
      const found = this.result.plan.actions.find((a) => a.ref === ref);
      assert.ok(found, `action ${ref}`);
      return found;
    },
  };
}
