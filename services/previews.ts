import { addDays } from '../domain/clock';
import { reminderStage, type ReminderStage } from '../domain/reminders';
import type { Caller, Services } from './context';
import { buildDigest, type Digest } from './digest';
import { myActions, type ItemWithPlan, type Scope } from './planQueries';

/** "digest preview": the digest the caller would get as a manager today, for their first role. */
export async function digestPreview(s: Services, caller: Caller, scope: Scope): Promise<{ kind: 'notInDirectory' } | { kind: 'ok'; digest: Digest }> {
  const roles = await s.directory.rolesOf(caller);
  if (!roles.length) return { kind: 'notInDirectory' };
  return { kind: 'ok', digest: await buildDigest(s, { manager: roles[0], today: s.clock.today(), planId: scope.planId }) };
}

export interface PreviewReminder {
  day: string;
  /** The item as "my actions" listed it. */
  item: ItemWithPlan;
  stage: ReminderStage;
}

/**
 * "reminders preview": the reminder stages (domain/reminders.ts) the caller's open items reach on
 * each of the next 7 days, day by day in "my actions" order. Each item is read once (index rows do
 * not carry everything the stages need), not once per day.
 */
export async function remindersPreview(s: Services, caller: Caller, scope: Scope, days = 7): Promise<{ kind: 'notInDirectory' } | { kind: 'ok'; reminders: PreviewReminder[] }> {
  const r = await myActions(s, caller, scope);
  if (r.kind === 'notInDirectory') return r;
  const today = s.clock.today();
  const full = await Promise.all(r.items.map(async (i) => (await s.plans.getItemForUpdate(i.planId, i.ref, i.seq))?.item));
  const reminders: PreviewReminder[] = [];
  for (let d = 0; d < days; d++) {
    const day = addDays(today, d);
    r.items.forEach((item, n) => {
      const stage = full[n] ? reminderStage(full[n], day) : undefined;
      if (stage) reminders.push({ day, item, stage });
    });
  }
  return { kind: 'ok', reminders };
}
