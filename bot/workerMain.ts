import { loadConfigOrExit } from '../config/loadConfigOrExit';
import { createServices } from '../services/createServices';
import { createAdapter } from './adapter';
import { createLogger } from './logger';
import { createProactiveSender } from './proactiveSender';
import { createProactiveContent } from './proactiveContent';
import { DeliveryWorker, DEFAULT_WORKER_OPTIONS } from '../proactive/worker';
import { SendBudget } from '../storage/sendBudget';
import { ConversationSends } from '../storage/conversationSends';
import { openTables, ensureTables } from '../storage/tables';
import { Outbox } from '../storage/outbox';
import { Ledger } from '../storage/ledger';
import { systemClock } from '../domain/clock';
import { onceOnSignals } from './shutdown';

/**
 * A delivery worker on its own, with no HTTP server: run as many as the send rate needs. The bot
 * process runs one too; this entry is for scaling out and for crash tests.
 */
async function main(): Promise<void> {
  const config = loadConfigOrExit();
  if (!config.STORAGE_CONNECTION_STRING) {
    console.error('STORAGE_CONNECTION_STRING is required for a stand-alone worker');
    process.exit(2);
  }
  const logger = createLogger(config.LOG_LEVEL);
  const tables = openTables(config.STORAGE_CONNECTION_STRING);
  await ensureTables(tables);
  const outbox = new Outbox(config.STORAGE_CONNECTION_STRING);
  await outbox.ensure();
  const services = createServices(tables, { clock: systemClock(config.TIME_ZONE, config.FAKE_TODAY), adminIds: config.ADMIN_USER_IDS });
  const sender = createProactiveSender(createAdapter(config), config.MicrosoftAppId, new SendBudget(tables, config.SEND_RATE_PER_SECOND), new ConversationSends(tables));
  const worker = new DeliveryWorker(
    { outbox, ledger: new Ledger(tables), services, sender, content: createProactiveContent(services, { staleDays: config.STALE_AFTER_DAYS, timeZone: config.TIME_ZONE, kpiWorkingDays: config.KPI_REMINDER_WORKING_DAYS }), logger },
    { ...DEFAULT_WORKER_OPTIONS, visibilitySeconds: config.OUTBOX_VISIBILITY_SECONDS, leaseMs: config.OUTBOX_LEASE_SECONDS * 1000, pollMs: 250 },
  );
  worker.start();
  logger.info('delivery worker started');
  onceOnSignals(() => worker.stop(), logger);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
