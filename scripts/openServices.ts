import type { AppConfig } from '../config/schema';
import type { Services } from '../services/context';
import { openTables, ensureTables } from '../storage/tables';
import { systemClock } from '../domain/clock';
import { openDevStorage } from '../storage/devStorage';
import { createServices } from '../services/createServices';

/** Services for command-line tools: the configured account, or the dev store (shared with a running `npm run dev`). */
export async function openServices(config: AppConfig): Promise<{ services: Services; connectionString: string; close: () => Promise<void> }> {
  const dev = config.STORAGE_CONNECTION_STRING ? undefined : await openDevStorage(config.AZURITE_LOCATION);
  const connectionString = config.STORAGE_CONNECTION_STRING ?? dev!.connectionString;
  const tables = openTables(connectionString);
  await ensureTables(tables);
  return {
    connectionString,
    services: createServices(tables, { clock: systemClock(config.TIME_ZONE, config.FAKE_TODAY), adminIds: config.ADMIN_USER_IDS }),
    close: async () => {
      await dev?.release();
    },
  };
}
