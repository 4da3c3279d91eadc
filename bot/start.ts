import type { Server } from 'restify';
import type { AppConfig } from '../config/schema';
import { createAdapter } from './adapter';
import { createApp } from './app';
import { createLogger, type Logger } from './logger';
import { createServer } from './server';
import { createNotifier } from './notifier';
import { messageCard } from './views/helpView';
import { openTables, ensureTables, pingStorage } from '../storage/tables';
import { systemClock, type Clock } from '../domain/clock';
import type { Services } from '../services/context';
import { createServices } from '../services/createServices';
import { randomUUID } from 'node:crypto';
import { Outbox } from '../storage/outbox';
import { Ledger } from '../storage/ledger';
import { ScheduleClaims } from '../storage/scheduleClaims';
import { SendBudget } from '../storage/sendBudget';
import { ConversationSends } from '../storage/conversationSends';
import { ReminderPrefs } from '../storage/reminderPrefs';
import { createProactiveSender } from './proactiveSender';
import { createProactiveContent } from './proactiveContent';
import { DeliveryWorker, DEFAULT_WORKER_OPTIONS } from '../proactive/worker';
import { Scheduler, DEFAULT_SCHEDULER_TIMING } from '../proactive/scheduler';
import { countsOf } from './registerProactive';
import { boardPackBotDeps, boardPackContent, boardPackPeriods, registerBoardPackRoutes } from './registerBoardPack';

export interface RunningBot {
  server: Server;
  port: number;
  services: Services;
  logger: Logger;
  scheduler: Scheduler;
  worker: DeliveryWorker;
  outbox: Outbox;
  ledger: Ledger;
  stop(): Promise<void>;
}

/**
 * Wires configuration, storage, adapter, application and HTTP server. Used by main (production and
 * dev) and by the integration tests, so tests run exactly what ships.
 */
export async function startBot(
  config: AppConfig & { STORAGE_CONNECTION_STRING: string },
  opts: { clock?: Clock; logger?: Logger; schedulerTiming?: Partial<typeof DEFAULT_SCHEDULER_TIMING>; workerOptions?: Partial<typeof DEFAULT_WORKER_OPTIONS> } = {},
): Promise<RunningBot> {
  const logger = opts.logger ?? createLogger(config.LOG_LEVEL);
  const tables = openTables(config.STORAGE_CONNECTION_STRING);
  await ensureTables(tables);
  const clock = opts.clock ?? systemClock(config.TIME_ZONE, config.FAKE_TODAY);
  const services: Services = createServices(tables, { clock, adminIds: config.ADMIN_USER_IDS });
  const adapter = createAdapter(config, logger);
  const outbox = new Outbox(config.STORAGE_CONNECTION_STRING);
  await outbox.ensure();
  const ledger = new Ledger(tables);
  // Proactive sends get an adapter of their own: the serving adapter's onTurnError would swallow send failures.
  const sender = createProactiveSender(createAdapter(config, logger), config.MicrosoftAppId, new SendBudget(tables, config.SEND_RATE_PER_SECOND), new ConversationSends(tables));
  const boardPack = boardPackBotDeps(config, services, tables);
  const kpiTiming = { workingDays: config.KPI_REMINDER_WORKING_DAYS, nudgeDays: config.KPI_NUDGE_DAYS };
  const planContent = createProactiveContent(services, { staleDays: config.STALE_AFTER_DAYS, timeZone: config.TIME_ZONE, kpiWorkingDays: kpiTiming.workingDays });
  const packContent = boardPackContent(boardPack);
  const content = { build: async (job: Parameters<typeof planContent.build>[0]) => (await packContent(job)) ?? planContent.build(job) };
  const worker = new DeliveryWorker(
    { outbox, ledger, services, sender, content, logger },
    { ...DEFAULT_WORKER_OPTIONS, visibilitySeconds: config.OUTBOX_VISIBILITY_SECONDS, leaseMs: config.OUTBOX_LEASE_SECONDS * 1000, ...opts.workerOptions },
  );
  const claims = new ScheduleClaims(tables);
  const prefs = new ReminderPrefs(tables);
  const scheduler = new Scheduler(
    { services, outbox, ledger, claims, logger, clock, preferences: () => prefs.all(), morePeriods: boardPackPeriods(boardPack) },
    {
      timeZone: config.TIME_ZONE,
      hours: { start: config.WORKING_HOURS_START, end: config.WORKING_HOURS_END },
      digestCron: config.DIGEST_CRON,
      staleDays: config.STALE_AFTER_DAYS,
      kpiTiming,
      signOffEscalateWorkingDays: config.SIGNOFF_ESCALATE_WORKING_DAYS,
      instanceId: randomUUID(),
      tickCron: '*/5 * * * *',
      ...DEFAULT_SCHEDULER_TIMING,
      ...opts.schedulerTiming,
    },
  );
  const enqueue = async (jobs: Parameters<Scheduler['enqueue']>[0]) => {
    const n = await scheduler.enqueue(jobs);
    // Without the scheduler this instance runs no worker loop: deliver event messages now, after the reply.
    if (!config.SCHEDULER_ENABLED && n) void worker.drain().catch((err) => logger.error({ err }, 'delivery after an event failed'));
    return n;
  };
  const notifier = createNotifier(enqueue, clock);
  /** After a manual run: the admin hears how it went once nothing is waiting, through the same path. */
  const reportRun = async (requestedBy: string, day: string, planning: Promise<number>) => {
    await planning;
    if (!config.SCHEDULER_ENABLED) await worker.drainAll();
    const deadline = performance.now() + 30 * 60_000;
    for (;;) {
      const c = countsOf((await ledger.rowsOfDay(day)).filter((r) => r.kind === 'digest' || r.kind === 'channelDigest'));
      if (c.queued + c.sending + c.retrying === 0 || performance.now() > deadline) {
        const lines = [`${c.sent} sent, ${c.dropped} dropped (recipient unreachable), ${c.failed} failed, ${c.uncertain} uncertain, ${c.queued + c.sending + c.retrying} still waiting.`];
        if (c.failed + c.uncertain) lines.push('Say “delivery status” for the rows that need a look.');
        await notifier.send('user', requestedBy, messageCard('Digests are out', lines, c.failed + c.uncertain ? 'attention' : 'good'), 'Digests are out');
        if (!config.SCHEDULER_ENABLED) await worker.drainAll();
        return;
      }
      await new Promise((r) => setTimeout(r, 2000));
    }
  };
  const app = createApp({
    services,
    adapter,
    timeZone: config.TIME_ZONE,
    kpiWorkingDays: kpiTiming.workingDays,
    signOffEscalateWorkingDays: config.SIGNOFF_ESCALATE_WORKING_DAYS,
    allowedTenants: new Set(config.ALLOWED_TENANT_IDS),
    logger,
    notifier,
    sendDigestNow: async (requestedBy) => {
      const r = await scheduler.digestNow();
      if (r.kind === 'already') return r;
      void reportRun(requestedBy, clock.today(), r.planning).catch((err) => logger.error({ err }, 'could not report a manual digest run'));
      return { kind: 'queued', jobs: r.jobs };
    },
    proactive: { enqueue, prefs, rowsOfDay: (day) => ledger.rowsOfDay(day), lastDigestDay: () => claims.lastDay('digest') },
    botAppId: config.MicrosoftAppId,
    boardPack,
  });
  // Operators' view of proactive delivery on /readyz; a day's ledger scan, so read at most once a minute.
  let cached: { at: number; value: Record<string, unknown> } | undefined;
  const deliveryDetails = async () => {
    if (!cached || performance.now() - cached.at > 60_000) {
      const day = clock.today();
      const c = countsOf(await ledger.rowsOfDay(day));
      cached = { at: performance.now(), value: { delivery: { day, uncertain: c.uncertain, failed: c.failed, retrying: c.retrying, queued: c.queued, sent: c.sent, dropped: c.dropped } } };
    }
    return cached.value;
  };
  const server = createServer({ adapter, app, logger, maxBodyBytes: config.MAX_BODY_BYTES, isReady: () => pingStorage(tables), details: deliveryDetails });
  registerBoardPackRoutes(server, boardPack, logger);
  await new Promise<void>((resolve) => server.listen(config.PORT, '0.0.0.0', resolve));
  const address = server.address() as { port: number };
  logger.info({ port: address.port }, 'bot listening on /api/messages');
  if (config.SCHEDULER_ENABLED) {
    scheduler.start();
    worker.start();
  }
  let stopped: Promise<void> | undefined;
  return {
    server,
    port: address.port,
    services,
    logger,
    scheduler,
    worker,
    outbox,
    ledger,
    // Idempotent: a second call (a repeated signal, a test's cleanup after a failed stop) waits for the first.
    stop: () =>
      (stopped ??= (async () => {
        scheduler.stop();
        await worker.stop();
        await Promise.allSettled([...boardPack.pending]);
        await sender.stop();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      })()),
  };
}
