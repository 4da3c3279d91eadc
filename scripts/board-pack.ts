import { parseArgs } from 'node:util';
import { writeFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { loadConfig } from '../config/loadConfig';
import { openServices } from './openServices';
import { openTables } from '../storage/tables';
import { SnapshotRepository } from '../storage/snapshotRepository';
import { explainRefusal, produceBoardPack, type BoardPackDeps } from '../services/boardPack';
import { boardPackXlsx } from '../services/boardPackXlsx';
import { boardPackHtml } from '../services/boardPackHtml';
import { formatBritishDate } from '../domain/dueDate';

const USAGE = `Usage:
  npm run board-pack -- --plan "<plan name>" [--as-at <date>] --out <file.xlsx|file.html>

Freezes the plan as at today into a stored snapshot (or reuses today's), compares it with the
previous pack and writes the workbook or the printable page. --as-at an earlier day produces that
day's pack again, exactly, from its stored snapshot.

Storage: STORAGE_CONNECTION_STRING, or the embedded dev store under .data/azurite.`;

export class UsageError extends Error {}

/** The command, apart from process handling, so tests run it against their own store. */
export async function boardPackCommand(argv: string[], deps: BoardPackDeps): Promise<string> {
  const { values } = parseArgs({ args: argv, options: { plan: { type: 'string' }, 'as-at': { type: 'string' }, out: { type: 'string' }, help: { type: 'boolean', default: false } } });
  if (values.help) return USAGE;
  if (!values.out) throw new UsageError('--out <file.xlsx|file.html> is required');
  const ext = extname(values.out).toLowerCase();
  if (ext !== '.xlsx' && ext !== '.html') throw new UsageError(`--out must end .xlsx or .html, not “${ext || values.out}”`);
  const r = await produceBoardPack(deps, { plan: values.plan, asAt: values['as-at'] });
  if (r.kind !== 'ok') {
    const { title, lines } = explainRefusal(r);
    throw new UsageError([title, ...lines].join('\n'));
  }
  await writeFile(values.out, ext === '.xlsx' ? await boardPackXlsx(r.pack) : boardPackHtml(r.pack));
  const t = r.pack.totals;
  return [
    `${r.pack.planName}, as at ${formatBritishDate(r.pack.asAt)} (${r.created ? 'new snapshot' : 'stored snapshot, reproduced'}) → ${values.out}`,
    `${t.actions} actions: ${t.exceptions} red or amber, ${t.overdue} overdue items, ${t.unowned} unowned, ${t.awaitingSignOff} awaiting sign-off.`,
    r.pack.previousAsAt ? `Compared with the pack as at ${formatBritishDate(r.pack.previousAsAt)}.` : 'First pack of this plan.',
  ].join('\n');
}

async function main(): Promise<number> {
  const config = loadConfig();
  const { services, connectionString, close } = await openServices(config);
  try {
    console.log(await boardPackCommand(process.argv.slice(2), { services, snapshots: new SnapshotRepository(openTables(connectionString)), staleDays: config.STALE_AFTER_DAYS }));
    return 0;
  } finally {
    await close();
  }
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (err) => {
      if (err instanceof UsageError || (err as { code?: string }).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') console.error(`${err.message}\n\n${USAGE}`);
      else console.error(err instanceof Error ? err.message : err);
      process.exit(2);
    },
  );
}
