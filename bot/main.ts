import { loadConfigOrExit } from '../config/loadConfigOrExit';
import { startBot } from './start';
import { openDevStorage, type DevStorage } from '../storage/devStorage';

/** Entry point for `npm start` and `npm run dev`: config, storage (embedded if none given), server. */
async function main(): Promise<void> {
  const config = loadConfigOrExit();
  let dev: DevStorage | undefined;
  if (!config.STORAGE_CONNECTION_STRING) {
    dev = await openDevStorage(config.AZURITE_LOCATION);
    console.log(`Embedded Azurite storage under ${config.AZURITE_LOCATION}`);
  }
  const connectionString: string = config.STORAGE_CONNECTION_STRING ?? dev!.connectionString;
  const bot = await startBot({ ...config, STORAGE_CONNECTION_STRING: connectionString });
  const shutdown = async () => {
    await bot.stop();
    await dev?.release();
    process.exit(0);
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
