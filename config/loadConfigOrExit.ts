import { loadConfig, ConfigError } from './loadConfig';
import type { AppConfig } from './schema';

/** For entry points: a bad environment prints the list of problems and exits with status 2. */
export function loadConfigOrExit(env: NodeJS.ProcessEnv = process.env): AppConfig {
  try {
    return loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(2);
    }
    throw err;
  }
}
