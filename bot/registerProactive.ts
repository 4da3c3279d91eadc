import { ActivityTypes, type TurnContext } from 'botbuilder';
import type { Application, TurnState } from '@microsoft/teams-ai';
import type { BotDeps } from './app';
import type { Job } from '../domain/job';
import type { LedgerRow, LedgerState, ReminderPrefStore } from '../proactive/ports';
import { LEDGER_STATES, emptyCounts } from '../storage/ledger';
import { permissionsFor } from '../services/permissions';
import { FirstContacts, firstContactJobs } from '../proactive/firstContact';
import { DEFAULT_SIGNOFF_ESCALATE_WORKING_DAYS } from '../domain/signOff';
import { REMINDER_PREF, setReminders } from '../proactive/reminderSettings';
import { callerOf, sendCard, turnFacts } from './turn';
import { messageCard } from './views/helpView';
import { itemLabel } from '../domain/planItem';
import { britishDate } from './views/format';

/** What the proactive chat surface uses of BotDeps. */
export type ProactiveHandlerDeps = Pick<BotDeps, 'services' | 'logger' | 'proactive' | 'timeZone' | 'signOffEscalateWorkingDays'>;

export interface ProactiveDeps {
  enqueue(jobs: Job[]): Promise<number>;
  prefs: ReminderPrefStore;
  rowsOfDay(day: string): Promise<LedgerRow[]>;
  lastDigestDay(): Promise<string | undefined>;
}

export const DELIVERY_STATUS = /^\s*delivery status\s*$/i;

export function countsOf(rows: LedgerRow[]): Record<LedgerState, number> {
  const c = emptyCounts();
  for (const r of rows) c[r.state]++;
  return c;
}

const countsLine = (label: string, c: Record<LedgerState, number>) => `${label}: ${LEDGER_STATES.map((s) => `${c[s]} ${s}`).join(', ')}`;

/**
 * The proactive path's own chat surface:
 * - first contact: a person who had no conversation with the bot (so sign-off requests to them were
 *   dropped) is sent everything awaiting their sign-off as soon as one exists (proactive/firstContact.ts
 *   decides who and what; this says when: before the turn, and after it once the reference is stored);
 * - "reminders weekly / daily / off for N weeks": proactive/reminderSettings.ts reads and saves it;
 * - "delivery status" (admins): sent / queued / retrying / dropped / failed / uncertain for today and
 *   the last digest run, with the rows that need a look.
 * Registered before the question router so its command is not read as a question.
 */
export function registerProactive(app: Application<TurnState>, deps: ProactiveHandlerDeps): void {
  const p = deps.proactive;
  if (!p) return;
  const contacts = new FirstContacts(deps.services.conversations);
  const firstContact = new WeakSet<TurnContext>();

  app.turn('beforeTurn', async (context) => {
    const a = context.activity;
    if (a.type !== ActivityTypes.Message && a.type !== ActivityTypes.ConversationUpdate && a.type !== ActivityTypes.InstallationUpdate) return true;
    const f = turnFacts(context);
    try {
      if (await contacts.isFirst({ aadObjectId: f.caller.aadObjectId, isPersonal: f.isPersonal })) firstContact.add(context);
    } catch (err) {
      deps.logger.warn({ err }, 'could not check for a first contact');
    }
    return true;
  });

  // After the turn, when the reference has been stored, so the worker can reach them.
  app.turn('afterTurn', async (context) => {
    if (!firstContact.has(context)) return true;
    const id = turnFacts(context).caller.aadObjectId!;
    try {
      const { jobs, items } = await firstContactJobs(deps.services, id, { workingDays: deps.signOffEscalateWorkingDays ?? DEFAULT_SIGNOFF_ESCALATE_WORKING_DAYS, timeZone: deps.timeZone });
      if (jobs.length) {
        await p.enqueue(jobs);
        deps.logger.info({ manager: id, items: items.map((i) => itemLabel(i)) }, 'pending sign-offs and escalations queued on first contact');
      }
    } catch (err) {
      deps.logger.error({ err }, 'could not queue pending sign-offs on first contact');
    }
    return true;
  });

  app.message(REMINDER_PREF, async (context) => {
    const r = await setReminders({ prefs: p.prefs, clock: deps.services.clock }, callerOf(context), context.activity.text ?? '');
    if (!r) return;
    switch (r.kind) {
      case 'noAccount':
        return sendCard(context, messageCard('Reminder settings', ['I can only keep reminder settings for people signed in with a work account.']));
      case 'outOfRange':
        return sendCard(context, messageCard('Reminder settings', [`I can pause reminders for 1 day to 13 weeks; "${r.typed}" is outside that. Nothing was changed.`]));
      case 'paused':
        return sendCard(context, messageCard('Reminders paused', [`No reminders until ${britishDate(r.until)}. Then you'll get one message with everything due or overdue.`, 'Say “reminders daily” to turn them back on sooner.'], 'good'));
      case 'saved':
        return sendCard(
          context,
          messageCard('Reminder settings saved', [r.mode === 'weekly' ? 'You’ll get one reminder message a week, on Mondays, with everything due or overdue.' : 'You’ll get at most one reminder message a day, grouping everything due or overdue.'], 'good'),
        );
    }
  });

  app.message(DELIVERY_STATUS, async (context) => {
    const caller = callerOf(context);
    if (!permissionsFor(deps.services, caller).mayAdminister()) {
      await sendCard(context, messageCard('Delivery status is for plan administrators', ['Ask your plan administrator if you think a message did not reach you.']));
      return;
    }
    const today = deps.services.clock.today();
    const rows = await p.rowsOfDay(today);
    const lastDay = await p.lastDigestDay();
    const lastRows = lastDay && lastDay !== today ? await p.rowsOfDay(lastDay) : [];
    const lines = [countsLine(`Today (${today})`, countsOf(rows))];
    if (lastDay && lastDay !== today) lines.push(countsLine(`Last digest run (${lastDay})`, countsOf(lastRows.filter((r) => r.kind === 'digest' || r.kind === 'channelDigest'))));
    const problems = [...rows, ...lastRows].filter((r) => r.state === 'uncertain' || r.state === 'failed');
    for (const r of problems.slice(0, 10)) lines.push(`${r.state}: ${r.kind} to ${r.recipient}${r.reason ? ` — ${r.reason}` : ''}`);
    if (problems.length > 10) lines.push(`…and ${problems.length - 10} more uncertain or failed.`);
    if (!problems.length) lines.push('Nothing uncertain or failed.');
    await sendCard(context, messageCard('Delivery status', lines, problems.length ? 'attention' : 'default'));
  });
}
