import { addDays, type Clock } from '../domain/clock';
import type { Caller } from '../services/context';
import type { ReminderPreference } from './planner';
import type { ReminderPrefStore } from './ports';

/** "reminders weekly", "reminders daily", "reminders on", "reminders off for 2 weeks" / "for 10 days". */
export const REMINDER_PREF = /^\s*reminders\s+(weekly|daily|on|off(?:\s+for\s+(\d{1,2})\s+(weeks?|days?))?)\s*$/i;

/** A pause is 1 day to 13 weeks. */
const MAX_PAUSE_DAYS = 92;

/** What typed reminder words ask for, as of `today`; undefined when they are not a reminder setting. */
export function readReminderSetting(text: string, today: string): { kind: 'set'; pref: ReminderPreference } | { kind: 'outOfRange'; typed: string } | undefined {
  const m = REMINDER_PREF.exec(text);
  if (!m) return undefined;
  const word = m[1].toLowerCase();
  if (word.startsWith('off')) {
    // "reminders off" alone pauses them for two weeks.
    const n = m[2] ? Number(m[2]) : 2;
    const days = m[2] ? (m[3].toLowerCase().startsWith('week') ? n * 7 : n) : 14;
    if (days < 1 || days > MAX_PAUSE_DAYS) return { kind: 'outOfRange', typed: m[0].trim() };
    return { kind: 'set', pref: { mode: 'off', until: addDays(today, days) } };
  }
  return { kind: 'set', pref: { mode: word === 'weekly' ? 'weekly' : 'daily' } };
}

export type ReminderSettingResult =
  /** Kept only for people signed in with a work account (an Entra object id). */
  | { kind: 'noAccount' }
  /** A pause longer than 13 weeks or shorter than a day; nothing was changed. */
  | { kind: 'outOfRange'; typed: string }
  | { kind: 'paused'; until: string }
  | { kind: 'saved'; mode: 'daily' | 'weekly' };

/** "reminders …" typed by the caller: the preference saved, or why not. Undefined when the text is not a reminder setting. */
export async function setReminders(d: { prefs: ReminderPrefStore; clock: Clock }, caller: Caller, text: string): Promise<ReminderSettingResult | undefined> {
  if (!REMINDER_PREF.test(text)) return undefined;
  if (!caller.aadObjectId) return { kind: 'noAccount' };
  const r = readReminderSetting(text, d.clock.today());
  if (!r) return undefined;
  if (r.kind === 'outOfRange') return r;
  await d.prefs.set(caller.aadObjectId, r.pref, d.clock.now());
  return r.pref.mode === 'off' ? { kind: 'paused', until: r.pref.until } : { kind: 'saved', mode: r.pref.mode };
}
