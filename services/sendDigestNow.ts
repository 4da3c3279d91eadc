import type { Caller, Services } from './context';
import { permissionsFor } from './permissions';

/** What the scheduler answers when asked for today's digests now (proactive/scheduler.ts, wired in bot/start.ts). */
export type DigestNowOutcome = { kind: 'already'; state: 'planning' | 'done'; jobs?: number } | { kind: 'queued'; jobs: number };

/** The part of the scheduler this use case needs: queue today's digests, resolving once the recipients are counted. */
export interface DigestScheduler {
  sendDigestNow(requestedBy: string): Promise<DigestNowOutcome>;
}

/**
 * Admins can send today's digests early (before a board meeting, say). The scheduler claims the same
 * period as the scheduled run, so it is one digest per manager per day whatever triggered it.
 */
export async function sendDigestNow(s: Services, caller: Caller, scheduler: DigestScheduler): Promise<DigestNowOutcome | { kind: 'notAdmin' }> {
  if (!caller.aadObjectId || !permissionsFor(s, caller).mayAdminister()) return { kind: 'notAdmin' };
  return scheduler.sendDigestNow(caller.aadObjectId);
}
