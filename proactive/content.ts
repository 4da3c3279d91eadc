import type { Job } from '../domain/job';

/**
 * What a job says, decided at send time from current state (so nothing stale is sent: a reminder
 * for finished work, a sign-off request for a decided item). The cards are the Teams surface's
 * business, so the implementation lives in bot/.
 */
export type Content = { kind: 'card'; card: Record<string, unknown>; summary: string } | { kind: 'skip'; reason: string };

export interface ProactiveContent {
  build(job: Job): Promise<Content>;
}
