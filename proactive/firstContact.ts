import type { Job } from '../domain/job';
import type { Services } from '../services/context';
import type { ConversationStore } from '../services/ports/conversationStore';
import type { ItemWithPlan } from '../services/planQueries';
import { awaitingSignOffBy } from '../services/signoffs';
import { escalationDue } from '../domain/signOff';
import { escalationJob, escalationRecipient, ownersByRole } from './planner';

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
 * What to send a person on first contact: one sign-off job per item awaiting their sign-off, and
 * one escalation job per sign-off that has waited past `workingDays` and is escalated to them (they
 * hold the role their reports' manager reports to), with the items (for the log). Index rows carry
 * no version or request time, so each item is read: the job id names the request's version, and a
 * later request (returned, then marked complete again) is a new message, not a repeat. The ids end
 * in "first-contact": the day's planner may have settled the same message as undeliverable already.
 */
export async function firstContactJobs(
  s: Services,
  aadObjectId: string,
  o: { workingDays: number; timeZone: string },
): Promise<{ jobs: Job[]; items: ItemWithPlan[] }> {
  const [signOffs, escalations] = await Promise.all([signOffJobs(s, aadObjectId), escalationJobs(s, aadObjectId, o)]);
  return { jobs: [...signOffs.jobs, ...escalations.jobs], items: [...signOffs.items, ...escalations.items] };
}

async function signOffJobs(s: Services, aadObjectId: string): Promise<{ jobs: Job[]; items: ItemWithPlan[] }> {
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

/** The escalations the daily planner (planEscalations) would send this person today, by the same rule. */
async function escalationJobs(s: Services, aadObjectId: string, o: { workingDays: number; timeZone: string }): Promise<{ jobs: Job[]; items: ItemWithPlan[] }> {
  if (o.workingDays <= 0) return { jobs: [], items: [] };
  const people = await ownersByRole(s);
  const me = aadObjectId.toLowerCase();
  // Only the roles whose sign-offs escalate to this person, so a first contact reads no other owner's rows.
  const roles = [...people.entries()].filter(([, p]) => escalationRecipient(p.role, people)?.aadObjectId.toLowerCase() === me).map(([k]) => k);
  if (!roles.length) return { jobs: [], items: [] };
  const today = s.clock.today();
  const jobs: Job[] = [];
  const items: ItemWithPlan[] = [];
  for (const plan of await s.plans.listPlans()) {
    for (const role of roles) {
      for (const i of await s.plans.listByOwner(plan.id, role)) {
        if (i.status !== 'awaiting_signoff' || !i.ownerRole) continue;
        const full = (await s.plans.getItemForUpdate(i.planId, i.ref, i.seq))?.item;
        const wait = full && escalationDue(full, today, o.timeZone, o.workingDays);
        const senior = escalationRecipient(i.ownerRole, people);
        if (!wait || !senior) continue;
        jobs.push(escalationJob(i, wait.requestedVersion, senior, today, '|first-contact'));
        items.push({ ...i, planName: plan.name });
      }
    }
  }
  return { jobs, items };
}
