/**
 * A planner that dies: plans today's digests like "send digest now" and kills itself with SIGKILL
 * (no clean-up, no finally) after CRASH_AFTER writes of one kind (CRASH_AT=ledger|queue). The
 * delivery tests restart from what it left in the store.
 */
import { openTables, ensureTables } from '../../storage/tables';
import { createServices } from '../../services/createServices';
import { Outbox, type Job } from '../../storage/outbox';
import { Ledger } from '../../storage/ledger';
import { ScheduleClaims } from '../../storage/scheduleClaims';
import { Scheduler, DEFAULT_SCHEDULER_TIMING } from '../../proactive/scheduler';
import { DEFAULT_KPI_TIMING } from '../../services/kpiReminders';

async function main() {
  const conn = process.env.STORAGE_CONNECTION_STRING!;
  const today = process.env.TODAY!;
  const crashAt = process.env.CRASH_AT as 'ledger' | 'queue';
  const after = Number(process.env.CRASH_AFTER);
  const tables = openTables(conn);
  await ensureTables(tables);
  const clock = { today: () => today, now: () => new Date(`${today}T10:00:00Z`) };
  const services = createServices(tables, { clock, adminIds: [] });
  let writes = 0;
  const count = (kind: 'ledger' | 'queue') => {
    if (kind === crashAt && ++writes > after) process.kill(process.pid, 'SIGKILL');
  };
  class DyingLedger extends Ledger {
    override async plan(job: Job, checkAt: Date) {
      count('ledger');
      return super.plan(job, checkAt);
    }
  }
  const outbox = new Outbox(conn);
  await outbox.ensure();
  const realEnqueue = outbox.enqueue.bind(outbox);
  outbox.enqueue = async (jobs: Job[], delay?: number) => {
    for (const j of jobs) {
      count('queue');
      await realEnqueue([j], delay);
    }
  };
  const silent = { info() {}, warn() {}, error() {} };
  const scheduler = new Scheduler(
    { services, outbox, ledger: new DyingLedger(tables), claims: new ScheduleClaims(tables), logger: silent, clock },
    { timeZone: 'Europe/London', hours: { start: '08:00', end: '18:00' }, digestCron: '0 8 * * 1', staleDays: 30, kpiTiming: DEFAULT_KPI_TIMING, instanceId: 'dying-planner', tickCron: '*/5 * * * *', ...DEFAULT_SCHEDULER_TIMING },
  );
  const r = await scheduler.digestNow();
  if (r.kind === 'queued') await r.planning;
  process.exit(0);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
