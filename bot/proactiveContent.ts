import type { Job } from '../domain/job';
import type { Services } from '../services/context';
import type { Content, ProactiveContent } from '../proactive/content';
import { buildDigest, digestShared, type DigestShared } from '../services/digest';
import { digestCard, groupedReminderCard, reminderCard, type OwedReminder, type ReminderKind } from './views/proactiveViews';
import { signOffCard } from './views/signOffView';
import { signOffWait } from '../domain/signOff';
import { britishDate } from './views/format';
import { kpiReminderContent } from './kpiReminderContent';
import { isOpen } from '../domain/schedule';
import { itemLabel } from '../domain/planItem';

/** Builds each proactive job's card from the plan as it is now. */
export function createProactiveContent(s: Services, o: { staleDays: number; timeZone: string; kpiWorkingDays?: number }): ProactiveContent {
  /** Directory, KPIs and unowned counts, shared by the digests of one run; a weekly digest can be a minute stale. */
  let shared: { at: number; value: Promise<DigestShared> } | undefined;
  return {
    async build(job: Job): Promise<Content> {
      const today = s.clock.today();
      if (job.kind === 'notice') {
        if (!job.card) return { kind: 'skip', reason: 'notice without a card' };
        return { kind: 'card', card: job.card, summary: job.summary ?? '' };
      }
      if (job.kind === 'digest' || job.kind === 'channelDigest') {
        const manager = job.kind === 'digest' ? (await s.directory.rolesOf({ aadObjectId: job.recipient }))[0] : undefined;
        if (!shared || performance.now() - shared.at > 60_000) shared = { at: performance.now(), value: digestShared(s) };
        const d = await buildDigest(s, { manager, planId: job.kind === 'channelDigest' ? job.planId : undefined, today }, await shared.value);
        return { kind: 'card', card: digestCard(d), summary: d.title };
      }
      if (job.kind === 'kpiReminder') return kpiReminderContent(s, job, o.kpiWorkingDays);
      if (job.kind === 'reminders') {
        const owed: OwedReminder[] = [];
        for (const i of job.items ?? []) {
          const loaded = await s.plans.getItemForUpdate(i.planId, i.ref, i.seq);
          // Finished or removed since planning: never remind someone about work they have done.
          if (!loaded || !isOpen(loaded.item.status)) continue;
          owed.push({ item: loaded.item, kind: i.kind === 'nudge' ? 'stale' : i.stage.startsWith('overdue') ? 'overdue' : (i.stage as ReminderKind) });
        }
        if (!owed.length) return { kind: 'skip', reason: 'every item was finished since planning' };
        if (owed.length === 1) return { kind: 'card', card: reminderCard(owed[0].item, owed[0].kind, today, o.staleDays), summary: `${itemLabel(owed[0].item)}: ${owed[0].kind.replace('-', ' ')}` };
        return { kind: 'card', card: groupedReminderCard(owed, today, o.staleDays), summary: `${owed.length} plan items need you today` };
      }
      const loaded = job.planId && job.ref ? await s.plans.getItemForUpdate(job.planId, job.ref, job.seq) : undefined;
      if (!loaded) return { kind: 'skip', reason: 'item no longer exists' };
      const item = loaded.item;
      if (job.kind === 'signoff') {
        // Decided since it was asked for: nothing to ask.
        if (item.status !== 'awaiting_signoff') return { kind: 'skip', reason: `already decided (${item.status})` };
        const owner = item.ownerRole ? await s.directory.findByRole(item.ownerRole) : undefined;
        return { kind: 'card', card: signOffCard(item, { timeZone: o.timeZone, ownerName: owner?.name }), summary: `Sign-off needed for ${itemLabel(item)}` };
      }
      if (job.kind === 'signoffEscalation') {
        // Decided, or a new request since planning (that request is escalated on its own): nothing to escalate.
        const wait = signOffWait(item, today, o.timeZone);
        if (!wait) return { kind: 'skip', reason: `already decided (${item.status})` };
        if (job.stage && job.stage !== `v${wait.requestedVersion}`) return { kind: 'skip', reason: 'a newer sign-off request replaced this one' };
        const owner = item.ownerRole ? await s.directory.findByRole(item.ownerRole) : undefined;
        const manager = owner?.managerRole ? await s.directory.findByRole(owner.managerRole) : undefined;
        const escalation = { managerName: manager?.name ?? 'The owner’s manager', managerRole: owner?.managerRole, sinceDate: wait.sinceDate, workingDays: wait.workingDays };
        return {
          kind: 'card',
          card: signOffCard(item, { timeZone: o.timeZone, ownerName: owner?.name, escalation }),
          summary: `Sign-off overdue: ${itemLabel(item)}, waiting since ${britishDate(wait.sinceDate)}`,
        };
      }
      // State may have moved since planning: never remind someone about work they have finished.
      if (!isOpen(item.status)) return { kind: 'skip', reason: `item is ${item.status}` };
      const kind: ReminderKind = job.kind === 'nudge' ? 'stale' : job.stage?.startsWith('overdue') ? 'overdue' : (job.stage as ReminderKind);
      return { kind: 'card', card: reminderCard(item, kind, today, o.staleDays), summary: `${itemLabel(item)}: ${kind.replace('-', ' ')}` };
    },
  };
}
