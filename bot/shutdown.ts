import type { Logger } from './logger';

/**
 * Run `stop` once, on the first SIGINT or SIGTERM, then exit 0 (1 if stopping failed).
 *
 * Ctrl-C in `npm run dev` sends SIGINT to the whole process group, and dev.ts then sends SIGTERM
 * to the bot as well; App Service sends SIGTERM and may repeat it. Running the stop sequence twice
 * stopped the send limiter twice (BottleneckError: stop() has already been called), so later
 * signals only wait for the first stop to finish.
 */
export function onceOnSignals(stop: () => Promise<void>, logger: Pick<Logger, 'info' | 'error'>): void {
  let stopping: Promise<void> | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) return;
    logger.info({ signal }, 'stopping');
    stopping = stop().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'stopping failed');
        process.exit(1);
      },
    );
  };
  // `on`, not `once`: a second signal must not fall through to Node's default (kill without cleanup).
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}
