import { startEmbeddedAzurite, type EmbeddedAzurite } from '../../storage/embeddedAzurite';
import { openTables, ensureTables } from '../../storage/tables';
import { createServices } from '../../services/createServices';
import type { Services } from '../../services/context';

/** Real repositories on a private in-memory Azurite, for tests that need storage but no bot. */
export async function startStorage(today = '2026-11-22'): Promise<{ services: Services; azurite: EmbeddedAzurite; stop(): Promise<void> }> {
  const azurite = await startEmbeddedAzurite({ inMemory: true, silent: true });
  const tables = openTables(azurite.connectionString);
  await ensureTables(tables);
  return {
    azurite,
    services: createServices(tables, { clock: { today: () => today, now: () => new Date(`${today}T10:00:00Z`) } }),
    stop: () => azurite.stop(),
  };
}
