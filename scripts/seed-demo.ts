import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadConfig } from '../config/loadConfig';
import { openServices } from './openServices';
import { formatReport, importDirectoryFile, importKpiFile, importKpiValuesFile, importPlanFile } from '../services/importFiles';
import { monthsToShift, shiftPlan, shiftPeriod } from '../domain/shiftDates';
import { readTable } from '../domain/import/readTable';
import { parseKpiValues } from '../domain/import/kpiParser';

/**
 * First-run demo data: the three fixture plans from ../shared, with dates moved by whole months so a
 * newcomer sees today's mix — some overdue, some due this week, some later, some complete.
 * Does nothing if any plan is already loaded, so restarting `npm run dev` keeps people's updates.
 */
const FIXTURES = path.resolve(__dirname, '../../shared/fixtures');

const PLANS = [
  { name: 'Southend 2021 priorities', file: 'plans/southend-2021-priorities.csv', monthsAhead: 0 },
  { name: 'Southend 2016 Ofsted plan', file: 'plans/southend-2016-milestones.csv', monthsAhead: 0 },
  { name: 'Sefton 2022 phase 1', file: 'plans/sefton-2022-phase1.csv', monthsAhead: 1 },
];

async function main(): Promise<void> {
  if (!fs.existsSync(FIXTURES)) {
    console.log(`Demo data skipped: ${FIXTURES} is not here. Import your own plan with npm run import.`);
    return;
  }
  const config = loadConfig();
  const { services, close } = await openServices(config);
  try {
    if ((await services.plans.listPlans()).length && !process.argv.includes('--force')) {
      console.log('Demo data already loaded; leaving it as it is (use --force to reload).');
      return;
    }
    const today = services.clock.today();
    console.log(formatReport(await importDirectoryFile(services, { file: path.join(FIXTURES, 'people/directory.csv'), dryRun: false })));
    console.log(formatReport(await importKpiFile(services, { file: path.join(FIXTURES, 'kpis/kpis.csv'), dryRun: false })));
    const valuesFile = path.join(FIXTURES, 'kpis/kpi-values.csv');
    const periods = parseKpiValues(await readTable(valuesFile)).values.map((v) => v.period).filter((p) => /^\d{4}-\d{2}$/.test(p)).sort();
    const last = periods.at(-1) ?? today.slice(0, 7);
    const kpiShift = Number(today.slice(0, 4)) * 12 + Number(today.slice(5, 7)) - 1 - (Number(last.slice(0, 4)) * 12 + Number(last.slice(5, 7)));
    console.log(formatReport(await importKpiValuesFile(services, { file: valuesFile, dryRun: false, enteredBy: 'demo', transformPeriod: (p) => shiftPeriod(p, kpiShift) })));
    for (const p of PLANS) {
      const report = await importPlanFile(services, {
        file: path.join(FIXTURES, p.file),
        planName: p.name,
        dryRun: false,
        transform: (plan) => shiftPlan(plan, monthsToShift(plan, today, p.monthsAhead)),
      });
      console.log(formatReport(report, { maxProblems: 0 }));
    }
  } finally {
    await close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
