import { loadConfigOrExit } from '../config/loadConfigOrExit';
import { startBot } from './start';
import { openDevStorage, type DevStorage } from '../storage/devStorage';
import { onceOnSignals } from './shutdown';

/**
 * Entry point for `npm start` (dist/bot/main.js in production) and `npm run dev`: config, storage,
 * server. With no STORAGE_CONNECTION_STRING (dev only: config refuses it once MicrosoftAppId is set)
 * it opens the embedded Azurite store.
 */
async function main(): Promise<void> {
  const config = loadConfigOrExit();
  let dev: DevStorage | undefined;
  if (!config.STORAGE_CONNECTION_STRING) {
    dev = await openDevStorage(config.AZURITE_LOCATION);
    console.log(`Embedded Azurite storage under ${config.AZURITE_LOCATION} (development only)`);
  }
  const connectionString: string = config.STORAGE_CONNECTION_STRING ?? dev!.connectionString;
  const bot = await startBot({ ...config, STORAGE_CONNECTION_STRING: connectionString });
  onceOnSignals(async () => {
    await bot.stop();
    await dev?.release();
  }, bot.logger);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
