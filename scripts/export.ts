import { parseArgs } from 'node:util';
import { loadConfig } from '../config/loadConfig';
import { openServices } from './openServices';
import { exportPlanFile } from '../services/exportPlan';

const USAGE = `Usage:
  npm run export -- --plan "<plan name>" <out.xlsx|out.csv>

Writes the plan as it stands (ref, action, owner, due and revised due with its reason, status, RAG,
latest commentary with its date and author, evidence, awaiting sign-off) in a layout that
re-imports with 0 changes. Archived plans can be exported too.`;

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({ options: { plan: { type: 'string' }, help: { type: 'boolean', default: false } }, allowPositionals: true });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (values.plan === undefined || positionals.length !== 1) {
    console.error(`Say which plan and where to write it.\n\n${USAGE}`);
    return 2;
  }
  const { services, close } = await openServices(loadConfig());
  try {
    const r = await exportPlanFile(services, { plan: values.plan, out: positionals[0] });
    console.log(`Wrote ${r.actions} actions of ${r.planName} to ${r.file}`);
    return 0;
  } finally {
    await close();
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
