import { ActivityTypes, type TurnContext } from 'botbuilder';
import type { Application, TurnState } from '@microsoft/teams-ai';
import type { BotDeps } from './app';
import type { Job } from '../domain/job';
import type { LedgerRow, LedgerState } from '../proactive/ports';
import { LEDGER_STATES, emptyCounts } from '../storage/ledger';
import { awaitingSignOffBy } from '../services/signoffs';
import { permissionsFor } from '../services/permissions';
import { callerOf, sendCard, turnFacts } from './turn';
import { messageCard } from './views/helpView';
import { itemLabel } from '../domain/planItem';
import { addDays } from '../domain/clock';
import { britishDate } from './views/format';
import type { ReminderPrefs } from '../storage/reminderPrefs';

/** "reminders weekly", "reminders daily", "reminders on", "reminders off for 2 weeks" / "for 10 days". */
export const REMINDER_PREF = /^\s*reminders\s+(weekly|daily|on|off(?:\s+for\s+(\d{1,2})\s+(weeks?|days?))?)\s*$/i;

export interface ProactiveDeps {
  enqueue(jobs: Job[]): Promise<number>;
  prefs: ReminderPrefs;
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
 *   dropped) is sent everything awaiting their sign-off as soon as one exists;
 * - "delivery status" (admins): sent / queued / retrying / dropped / failed / uncertain for today and
 *   the last digest run, with the rows that need a look.
 * Registered before the question router so its command is not read as a question.
 */
export function registerProactive(app: Application<TurnState>, deps: BotDeps): void {
  const p = deps.proactive;
  if (!p) return;
  // Who is known to have a conversation reference, so first contact costs one read per person per process.
  const known = new Set<string>();
  const firstContact = new WeakSet<TurnContext>();

  app.turn('beforeTurn', async (context) => {
    const a = context.activity;
    const f = turnFacts(context);
    const id = f.caller.aadObjectId?.toLowerCase();
    if (!id || !f.isPersonal || known.has(id)) return true;
    if (a.type !== ActivityTypes.Message && a.type !== ActivityTypes.ConversationUpdate && a.type !== ActivityTypes.InstallationUpdate) return true;
    try {
      if (!(await deps.services.conversations.get('user', id))) firstContact.add(context);
      known.add(id);
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
      const items = await awaitingSignOffBy(deps.services, id);
      const day = deps.services.clock.today();
      // Index rows carry no version, so each item is read: the id names the request's version, and a
      // later request (returned, then marked complete again) is a new message, not a repeat.
      const versions = await Promise.all(items.map(async (i) => (await deps.services.plans.getItemForUpdate(i.planId, i.ref, i.seq))?.item.version));
      const jobs: Job[] = items.map((i, n) => ({ id: `signoff|${i.planId}|${i.ref}|${i.seq ?? ''}|v${versions[n] ?? day}|${id}|first-contact`, kind: 'signoff', recipient: id, planId: i.planId, ref: i.ref, seq: i.seq, day }));
      if (jobs.length) {
        await p.enqueue(jobs);
        deps.logger.info({ manager: id, items: items.map((i) => itemLabel(i)) }, 'pending sign-offs queued on first contact');
      }
    } catch (err) {
      deps.logger.error({ err }, 'could not queue pending sign-offs on first contact');
    }
    return true;
  });

  app.message(REMINDER_PREF, async (context) => {
    const caller = callerOf(context);
    const m = REMINDER_PREF.exec(context.activity.text ?? '')!;
    if (!caller.aadObjectId) {
      await sendCard(context, messageCard('Reminder settings', ['I can only keep reminder settings for people signed in with a work account.']));
      return;
    }
    const word = m[1].toLowerCase();
    const today = deps.services.clock.today();
    if (word.startsWith('off')) {
      const n = m[2] ? Number(m[2]) : 2;
      const days = m[2] ? (m[3].toLowerCase().startsWith('week') ? n * 7 : n) : 14;
      if (days < 1 || days > 92) {
        await sendCard(context, messageCard('Reminder settings', [`I can pause reminders for 1 day to 13 weeks; "${m[0].trim()}" is outside that. Nothing was changed.`]));
        return;
      }
      const until = addDays(today, days);
      await p.prefs.set(caller.aadObjectId, { mode: 'off', until }, deps.services.clock.now());
      await sendCard(context, messageCard('Reminders paused', [`No reminders until ${britishDate(until)}. Then you'll get one message with everything due or overdue.`, 'Say “reminders daily” to turn them back on sooner.'], 'good'));
      return;
    }
    const mode = word === 'weekly' ? 'weekly' : 'daily';
    await p.prefs.set(caller.aadObjectId, { mode }, deps.services.clock.now());
    await sendCard(
      context,
      messageCard('Reminder settings saved', [mode === 'weekly' ? 'You’ll get one reminder message a week, on Mondays, with everything due or overdue.' : 'You’ll get at most one reminder message a day, grouping everything due or overdue.'], 'good'),
    );
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
