import * as fs from 'node:fs';
import * as path from 'node:path';
import { startEmbeddedAzurite } from './embeddedAzurite';

/**
 * The local store for `npm run dev`, `npm start` and `npm run import` with no connection string.
 * Two Azurite processes must never open the same folder (they would overwrite each other's files),
 * so whoever starts it records its endpoint; later tools reuse that store while its owner lives.
 */
export interface DevStorage {
  connectionString: string;
  /** Stops Azurite if this process started it; otherwise leaves the owner's store running. */
  release(): Promise<void>;
}

interface EndpointFile {
  pid: number;
  connectionString: string;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export async function openDevStorage(location: string): Promise<DevStorage> {
  const file = path.join(location, 'endpoint.json');
  try {
    const existing = JSON.parse(fs.readFileSync(file, 'utf8')) as EndpointFile;
    if (existing.pid !== process.pid && alive(existing.pid)) return { connectionString: existing.connectionString, release: async () => undefined };
  } catch {
    /* no live owner: start our own */
  }
  fs.mkdirSync(location, { recursive: true });
  const azurite = await startEmbeddedAzurite({ location, silent: true });
  fs.writeFileSync(file, JSON.stringify({ pid: process.pid, connectionString: azurite.connectionString } satisfies EndpointFile));
  return {
    connectionString: azurite.connectionString,
    release: async () => {
      fs.rmSync(file, { force: true });
      await azurite.stop();
    },
  };
}
