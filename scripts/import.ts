import { parseArgs } from 'node:util';
import { dirname, basename, extname, join } from 'node:path';
import { loadConfig } from '../config/loadConfig';
import { openServices } from './openServices';
import { formatReport, importDirectoryFile, importKpiFile, importKpiValuesFile, importPlanFile, type ImportReport } from '../services/importFiles';
import { describeArchive, setPlanArchived } from '../services/planAdmin';
import { MAX_FILE_BYTES, MAX_ROWS, UnreadableFileError } from '../domain/import/readTable';

const USAGE = `Usage:
  npm run import -- --plan "<plan name>" <plan.csv|plan.xlsx> [--sheet "<worksheet>"] [--dry-run]
  npm run import -- --archive "<plan name>"      hide a plan from questions and digests (kept with its history)
  npm run import -- --restore "<plan name>"      bring an archived plan back
  npm run import -- --directory <people.csv|xlsx> [--dry-run]
  npm run import -- --kpis <kpis.csv|xlsx> [--dry-run]
  npm run import -- --kpi-values <kpi-values.csv|xlsx> [--dry-run]

A plan file may be at most ${MAX_FILE_BYTES / 1024 / 1024} MB and ${MAX_ROWS} rows. Without --sheet, the first
worksheet with a plan header is read. Every problem is written to <file>.problems.csv beside the input.
Exit codes: 0 imported, 1 nothing imported (no actions, unreadable file, unknown plan), 2 usage or storage error.

Storage: STORAGE_CONNECTION_STRING, or the embedded dev store under .data/azurite.`;

class UsageError extends Error {}

/** problems CSV beside the input: plan.xlsx → plan.problems.csv */
function problemsPath(file: string): string {
  return join(dirname(file), `${basename(file, extname(file))}.problems.csv`);
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    options: {
      plan: { type: 'string' },
      sheet: { type: 'string' },
      archive: { type: 'string' },
      restore: { type: 'string' },
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
  if (values.plan !== undefined && positionals.length !== 1) throw new UsageError('--plan needs exactly one file after it');
  const config = loadConfig();
  const { services, close } = await openServices(config);
  try {
    if (values.archive !== undefined || values.restore !== undefined) {
      const archive = values.archive !== undefined;
      const name = (values.archive ?? values.restore) as string;
      const result = await setPlanArchived(services, name, archive);
      console.log(describeArchive(result, archive, name));
      return result.ok ? 0 : 1;
    }
    let report: ImportReport;
    if (values.plan !== undefined) {
      report = await importPlanFile(services, { file: positionals[0], planName: values.plan, dryRun, sheet: values.sheet, problemsFile: problemsPath(positionals[0]) });
    } else if (values.directory) report = await importDirectoryFile(services, { file: values.directory, dryRun });
    else if (values.kpis) report = await importKpiFile(services, { file: values.kpis, dryRun });
    else if (values['kpi-values']) report = await importKpiValuesFile(services, { file: values['kpi-values'], dryRun, enteredBy: 'import' });
    else throw new UsageError('say what to import');
    console.log(formatReport(report));
    return report.failed ? 1 : 0;
  } finally {
    await close();
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    if (err instanceof UsageError || (err as { code?: string }).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
      console.error(`${err.message}\n\n${USAGE}`);
      process.exit(2);
    }
    if (err instanceof UnreadableFileError) {
      console.error(`Nothing imported. ${err.message}`);
      process.exit(1);
    }
    console.error(err instanceof Error ? err.message : err);
    process.exit(2);
  },
);
