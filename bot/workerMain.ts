import { loadConfigOrExit } from '../config/loadConfigOrExit';
import { createServices } from '../services/createServices';
import { createAdapter } from './adapter';
import { createLogger } from './logger';
import { createSender } from './delivery/sender';
import { DeliveryWorker, DEFAULT_WORKER_OPTIONS } from './delivery/worker';
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
  const worker = new DeliveryWorker(
    { outbox, ledger: new Ledger(tables), services, sender: createSender(createAdapter(config, logger), config.MicrosoftAppId, config.SEND_RATE_PER_SECOND), logger },
    { ...DEFAULT_WORKER_OPTIONS, staleDays: config.STALE_AFTER_DAYS, visibilitySeconds: config.OUTBOX_VISIBILITY_SECONDS, leaseMs: config.OUTBOX_LEASE_SECONDS * 1000, pollMs: 250 },
  );
  worker.start();
  logger.info('delivery worker started');
  onceOnSignals(() => worker.stop(), logger);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
