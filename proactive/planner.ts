import type { Job } from '../domain/job';
import type { ItemState } from '../domain/planItem';
import type { Person } from '../domain/model';
import { nudgeStage, reminderStage } from '../domain/reminders';
import { addDays } from '../domain/clock';
import { roleKey } from '../domain/roles';
import { escalationDue } from '../domain/signOff';
import type { Services } from '../services/context';

/**
 * Decide who is owed which proactive message today. Pure planning: it returns jobs, it sends nothing.
 * Each job id names (message, recipient) so planning the same day twice yields the same ids.
 */
export interface PlanOptions {
  today: string;
  staleDays: number;
}

const itemKey = (i: Pick<ItemState, 'planId' | 'ref' | 'seq'>) => `${i.planId}|${i.ref}|${i.seq ?? ''}`;

export async function ownersByRole(s: Services): Promise<Map<string, Person>> {
  return new Map((await s.directory.listAll()).map((p) => [roleKey(p.role), p]));
}

/** Reminders for open dated items: read from the due index, from a year back to a week ahead. */
export async function planReminders(s: Services, o: PlanOptions): Promise<Job[]> {
  const [plans, owners] = await Promise.all([s.plans.listPlans(), ownersByRole(s)]);
  const jobs: Job[] = [];
  for (const p of plans) {
    const candidates = await s.plans.listOpenDueBetween(p.id, addDays(o.today, -400), addDays(o.today, 8));
    // The index carries no update time; the stop-after-update rule needs it, so read those items.
    for (const summary of candidates) {
      const loaded = await s.plans.getItemForUpdate(p.id, summary.ref, summary.seq);
      if (!loaded) continue;
      const item = loaded.item;
      const stage = reminderStage(item, o.today);
      const owner = item.ownerRole ? owners.get(roleKey(item.ownerRole)) : undefined;
      if (!stage || !owner?.aadObjectId) continue;
      jobs.push({ id: `reminder|${itemKey(item)}|${stage}|${owner.aadObjectId}`, kind: 'reminder', recipient: owner.aadObjectId, planId: p.id, ref: item.ref, seq: item.seq, stage, day: o.today });
    }
  }
  return jobs;
}

/** Check-ins for open items nobody has updated for a while. */
export async function planNudges(s: Services, o: PlanOptions): Promise<Job[]> {
  const [plans, owners] = await Promise.all([s.plans.listPlans(), ownersByRole(s)]);
  const jobs: Job[] = [];
  for (const p of plans) {
    for (const item of await s.plans.listAllItems(p.id)) {
      const stage = nudgeStage(item, o.today, o.staleDays);
      const owner = item.ownerRole ? owners.get(roleKey(item.ownerRole)) : undefined;
      if (!stage || !owner?.aadObjectId) continue;
      jobs.push({ id: `nudge|${itemKey(item)}|${stage}|${owner.aadObjectId}`, kind: 'nudge', recipient: owner.aadObjectId, planId: p.id, ref: item.ref, seq: item.seq, stage, day: o.today });
    }
  }
  return jobs;
}

/**
 * Sign-offs waiting more than `workingDays` working days, each escalated once per request (the
 * version that asked is in the id, and the ledger keys these by plan, not day) to whoever holds the
 * role the owner's manager reports to. Nobody above the manager, or the same person: nothing to send.
 */
export async function planEscalations(s: Services, o: { today: string; workingDays: number; timeZone: string }): Promise<Job[]> {
  if (o.workingDays <= 0) return [];
  const [plans, people] = await Promise.all([s.plans.listPlans(), ownersByRole(s)]);
  const jobs: Job[] = [];
  for (const p of plans) {
    for (const item of await s.plans.listAllItems(p.id)) {
      const wait = escalationDue(item, o.today, o.timeZone, o.workingDays);
      if (!wait || !item.ownerRole) continue;
      const senior = escalationRecipient(item.ownerRole, people);
      if (senior) jobs.push(escalationJob(item, wait.requestedVersion, senior, o.today));
    }
  }
  return jobs;
}

/**
 * Who a sign-off waiting on an item owned by `ownerRole` is escalated to: whoever holds the role
 * the owner's manager reports to. Nobody above the manager, no account, or the manager themself: nobody.
 */
export function escalationRecipient(ownerRole: string, people: Map<string, Person>): (Person & { aadObjectId: string }) | undefined {
  const owner = people.get(roleKey(ownerRole));
  const manager = owner?.managerRole ? people.get(roleKey(owner.managerRole)) : undefined;
  const senior = manager?.managerRole ? people.get(roleKey(manager.managerRole)) : undefined;
  if (!senior?.aadObjectId || senior.aadObjectId.toLowerCase() === manager?.aadObjectId?.toLowerCase()) return undefined;
  return senior as Person & { aadObjectId: string };
}

/** One escalation per request: the version that asked is the stage. `suffix` marks a resend (first contact). */
export function escalationJob(item: Pick<ItemState, 'planId' | 'ref' | 'seq'>, requestedVersion: number, senior: { aadObjectId: string }, day: string, suffix = ''): Job {
  const stage = `v${requestedVersion}`;
  return { id: `signoffEscalation|${itemKey(item)}|${stage}|${senior.aadObjectId}${suffix}`, kind: 'signoffEscalation', recipient: senior.aadObjectId, planId: item.planId, ref: item.ref, seq: item.seq, stage, day };
}

/** One digest per manager (anyone whose role others report to), and one per linked channel. */
export async function planDigests(s: Services, day: string): Promise<Job[]> {
  const [people, plans] = await Promise.all([s.directory.listAll(), s.plans.listPlans()]);
  const managerRoles = new Set(people.flatMap((p) => (p.managerRole ? [roleKey(p.managerRole)] : [])));
  const managers = new Map<string, Person>();
  for (const p of people) if (managerRoles.has(roleKey(p.role)) && p.aadObjectId) managers.set(p.aadObjectId, p);
  const jobs: Job[] = [...managers.keys()].map((id) => ({ id: `digest|${day}|${id}`, kind: 'digest', recipient: id, day }));
  for (const p of plans) if (p.channelId) jobs.push({ id: `channelDigest|${day}|${p.id}`, kind: 'channelDigest', recipient: p.channelId, planId: p.id, day });
  return jobs;
}

/** What the planner needs to know about a person's reminder preference (storage/reminderPrefs.ts). */
export type ReminderPreference = { mode: 'daily' } | { mode: 'weekly' } | { mode: 'off'; until: string };

export interface DailyOptions extends PlanOptions {
  /** Job ids of item stages already delivered, per ledger partition ("reminder|<plan>", "nudge|<plan>"). */
  delivered(partition: string): Promise<Set<string>>;
  preferences(): Promise<Map<string, ReminderPreference>>;
}

/** Whether a person wants reminders today: weekly people hear on Mondays (or the week's first working day they are planned). */
function wantsToday(pref: ReminderPreference | undefined, today: string): boolean {
  if (!pref || pref.mode === 'daily') return true;
  if (pref.mode === 'off') return today >= pref.until;
  return new Date(`${today}T12:00:00Z`).getUTCDay() === 1;
}

/**
 * Quiet by default: one message per person per day grouping every reminder and nudge they are owed.
 * Each item stage is still owed once (its id is recorded when the group is delivered); an item with a
 * reminder today gets no stale nudge the same day; a person's preference (weekly, off until a date)
 * is honoured, and what they were owed meanwhile stays owed until they next hear.
 */
export async function planDaily(s: Services, o: DailyOptions): Promise<Job[]> {
  const [reminders, nudges, prefs] = await Promise.all([planReminders(s, o), planNudges(s, o), o.preferences()]);
  const deliveredCache = new Map<string, Promise<Set<string>>>();
  const delivered = (partition: string) => {
    let p = deliveredCache.get(partition);
    if (!p) deliveredCache.set(partition, (p = o.delivered(partition)));
    return p;
  };
  const undelivered = async (js: Job[]) => {
    const out: Job[] = [];
    for (const j of js) if (!(await delivered(`${j.kind}|${j.planId}`)).has(j.id)) out.push(j);
    return out;
  };
  const owedReminders = await undelivered(reminders);
  // An item reminded today needs no check-in as well: the reminder already asks for an update.
  const remindedToday = new Set(owedReminders.map((j) => itemKey({ planId: j.planId!, ref: j.ref!, seq: j.seq })));
  const owedNudges = (await undelivered(nudges)).filter((j) => !remindedToday.has(itemKey({ planId: j.planId!, ref: j.ref!, seq: j.seq })));
  const owed = new Map<string, Job[]>();
  for (const j of [...owedReminders, ...owedNudges]) {
    if (!wantsToday(prefs.get(j.recipient.toLowerCase()), o.today)) continue;
    owed.set(j.recipient, [...(owed.get(j.recipient) ?? []), j]);
  }
  return [...owed].map(([recipient, js]) => ({
    id: `reminders|${o.today}|${recipient}`,
    kind: 'reminders' as const,
    recipient,
    day: o.today,
    items: js.map((j) => ({ planId: j.planId!, ref: j.ref!, seq: j.seq, stage: j.stage!, id: j.id, kind: j.kind as 'reminder' | 'nudge' })),
  }));
}
