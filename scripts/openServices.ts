import type { AppConfig } from '../config/schema';
import type { Services } from '../services/context';
import { openTables, ensureTables } from '../storage/tables';
import { PlanRepository } from '../storage/planRepository';
import { DirectoryRepository } from '../storage/directoryRepository';
import { KpiRepository } from '../storage/kpiRepository';
import { ConversationRepository } from '../storage/conversationRepository';
import { systemClock } from '../domain/clock';
import { openDevStorage } from '../storage/devStorage';

/** Services for command-line tools: the configured account, or the dev store (shared with a running `npm run dev`). */
export async function openServices(config: AppConfig): Promise<{ services: Services; connectionString: string; close: () => Promise<void> }> {
  const dev = config.STORAGE_CONNECTION_STRING ? undefined : await openDevStorage(config.AZURITE_LOCATION);
  const connectionString = config.STORAGE_CONNECTION_STRING ?? dev!.connectionString;
  const tables = openTables(connectionString);
  await ensureTables(tables);
  return {
    connectionString,
    services: {
      plans: new PlanRepository(tables),
      directory: new DirectoryRepository(tables),
      kpis: new KpiRepository(tables),
      conversations: new ConversationRepository(tables),
      clock: systemClock(config.TIME_ZONE, config.FAKE_TODAY),
      adminIds: new Set(config.ADMIN_USER_IDS),
    },
    close: async () => {
      await dev?.release();
    },
  };
}
