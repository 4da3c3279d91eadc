import type { Server } from 'restify';
import type { AppConfig } from '../config/schema';
import { createAdapter } from './adapter';
import { createApp } from './app';
import { createLogger, type Logger } from './logger';
import { createServer } from './server';
import { createNotifier } from './notifier';
import { openTables, ensureTables, pingStorage } from '../storage/tables';
import { systemClock, type Clock } from '../domain/clock';
import type { Services } from '../services/context';
import { createServices } from '../services/createServices';
import { randomUUID } from 'node:crypto';
import { Outbox } from '../storage/outbox';
import { Ledger } from '../storage/ledger';
import { ScheduleClaims } from '../storage/scheduleClaims';
import { createSender } from './delivery/sender';
import { DeliveryWorker, DEFAULT_WORKER_OPTIONS } from './delivery/worker';
import { Scheduler } from './delivery/scheduler';
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
export async function startBot(config: AppConfig & { STORAGE_CONNECTION_STRING: string }, opts: { clock?: Clock; logger?: Logger } = {}): Promise<RunningBot> {
  const logger = opts.logger ?? createLogger(config.LOG_LEVEL);
  const tables = openTables(config.STORAGE_CONNECTION_STRING);
  await ensureTables(tables);
  const services: Services = createServices(tables, { clock: opts.clock ?? systemClock(config.TIME_ZONE, config.FAKE_TODAY), adminIds: config.ADMIN_USER_IDS });
  const adapter = createAdapter(config, logger);
  const outbox = new Outbox(config.STORAGE_CONNECTION_STRING);
  await outbox.ensure();
  const ledger = new Ledger(tables);
  const sender = createSender(adapter, config.MicrosoftAppId, config.SEND_RATE_PER_SECOND);
  const boardPack = boardPackBotDeps(config, services, tables);
  const worker = new DeliveryWorker({ outbox, ledger, services, sender, logger, contentFor: boardPackContent(boardPack) }, { ...DEFAULT_WORKER_OPTIONS, staleDays: config.STALE_AFTER_DAYS, visibilitySeconds: config.OUTBOX_VISIBILITY_SECONDS, leaseMs: config.OUTBOX_LEASE_SECONDS * 1000 });
  const scheduler = new Scheduler(
    { services, outbox, ledger, claims: new ScheduleClaims(tables), logger, morePeriods: boardPackPeriods(boardPack) },
    {
      timeZone: config.TIME_ZONE,
      hours: { start: config.WORKING_HOURS_START, end: config.WORKING_HOURS_END },
      digestCron: config.DIGEST_CRON,
      staleDays: config.STALE_AFTER_DAYS,
      instanceId: randomUUID(),
      tickCron: '*/5 * * * *',
    },
  );
  const app = createApp({
    services,
    adapter,
    timeZone: config.TIME_ZONE,
    allowedTenants: new Set(config.ALLOWED_TENANT_IDS),
    logger,
    notifier: createNotifier(adapter, services.conversations, config.MicrosoftAppId, logger),
    sendDigestNow: async (dayKey) => {
      const n = await scheduler.sendDigests(dayKey);
      if (!config.SCHEDULER_ENABLED) await worker.drain();
      return n;
    },
    botAppId: config.MicrosoftAppId,
    boardPack,
  });
  const server = createServer({ adapter, app, logger, maxBodyBytes: config.MAX_BODY_BYTES, isReady: () => pingStorage(tables) });
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
