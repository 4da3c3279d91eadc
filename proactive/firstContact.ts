import type { Job } from '../domain/job';
import type { Services } from '../services/context';
import type { ConversationStore } from '../services/ports/conversationStore';
import type { ItemWithPlan } from '../services/planQueries';
import { awaitingSignOffBy } from '../services/signoffs';

/**
 * First contact: a person who had no conversation with the bot (so sign-off requests to them were
 * dropped) is sent everything awaiting their sign-off as soon as one exists. The Teams surface says
 * who is talking and when the turn is over; these decide the rest.
 */
export class FirstContacts {
  /** Who is known to have a conversation reference, so first contact costs one read per person per process. */
  private readonly known = new Set<string>();

  constructor(private readonly conversations: Pick<ConversationStore, 'get'>) {}

  /**
   * Is this the person's first contact: in personal chat, with no conversation reference stored yet?
   * Each person is read once per process; a read that fails throws and is tried again next time.
   */
  async isFirst(who: { aadObjectId?: string; isPersonal: boolean }): Promise<boolean> {
    const id = who.aadObjectId?.toLowerCase();
    if (!id || !who.isPersonal || this.known.has(id)) return false;
    const first = !(await this.conversations.get('user', id));
    this.known.add(id);
    return first;
  }
}

/**
 * The sign-off requests to send a manager on first contact: one job per item awaiting their
 * sign-off, with the items (for the log). Index rows carry no version, so each item is read: the
 * job id names the request's version, and a later request (returned, then marked complete again) is
 * a new message, not a repeat.
 */
export async function firstContactJobs(s: Services, aadObjectId: string): Promise<{ jobs: Job[]; items: ItemWithPlan[] }> {
  const items = await awaitingSignOffBy(s, aadObjectId);
  const day = s.clock.today();
  const versions = await Promise.all(items.map(async (i) => (await s.plans.getItemForUpdate(i.planId, i.ref, i.seq))?.item.version));
  const jobs: Job[] = items.map((i, n) => ({
    id: `signoff|${i.planId}|${i.ref}|${i.seq ?? ''}|v${versions[n] ?? day}|${aadObjectId}|first-contact`,
    kind: 'signoff',
    recipient: aadObjectId,
    planId: i.planId,
    ref: i.ref,
    seq: i.seq,
    day,
  }));
  return { jobs, items };
}
