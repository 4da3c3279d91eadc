import { parseArgs } from 'node:util';
import { loadConfig } from '../config/loadConfig';
import { openServices } from './openServices';
import { formatReport, importDirectoryFile, importKpiFile, importKpiValuesFile, importPlanFile, type ImportReport } from '../services/importFiles';

const USAGE = `Usage:
  npm run import -- --plan "<plan name>" <plan.csv|plan.xlsx> [--dry-run]
  npm run import -- --directory <people.csv|xlsx> [--dry-run]
  npm run import -- --kpis <kpis.csv|xlsx> [--dry-run]
  npm run import -- --kpi-values <kpi-values.csv|xlsx> [--dry-run]

Storage: STORAGE_CONNECTION_STRING, or the embedded dev store under .data/azurite.`;

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    options: {
      plan: { type: 'string' },
      directory: { type: 'string' },
      kpis: { type: 'string' },
      'kpi-values': { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
    allowPositionals: true,
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const dryRun = values['dry-run'] ?? false;
  const config = loadConfig();
  const { services, close } = await openServices(config);
  try {
    let report: ImportReport;
    if (values.plan !== undefined) {
      if (positionals.length !== 1) throw new UsageError('--plan needs exactly one file after it');
      report = await importPlanFile(services, { file: positionals[0], planName: values.plan, dryRun });
    } else if (values.directory) report = await importDirectoryFile(services, { file: values.directory, dryRun });
    else if (values.kpis) report = await importKpiFile(services, { file: values.kpis, dryRun });
    else if (values['kpi-values']) report = await importKpiValuesFile(services, { file: values['kpi-values'], dryRun, enteredBy: 'import' });
    else throw new UsageError('say what to import');
    console.log(formatReport(report));
    return 0;
  } finally {
    await close();
  }
}

class UsageError extends Error {}

main().then(
  (code) => process.exit(code),
  (err) => {
    if (err instanceof UsageError || (err as { code?: string }).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') console.error(`${err.message}\n\n${USAGE}`);
    else console.error(err instanceof Error ? err.message : err);
    process.exit(2);
  },
);
