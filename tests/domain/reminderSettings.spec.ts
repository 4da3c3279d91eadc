import assert from 'node:assert/strict';
import type { ReminderPreference } from '../../proactive/planner';
import { readReminderSetting, setReminders } from '../../proactive/reminderSettings';

/** "reminders weekly / daily / on / off for N weeks" (proactive/reminderSettings.ts), with an in-memory store. */

describe('reminder settings (proactive/reminderSettings)', () => {
  const TODAY = '2026-11-16';

  it('reads each setting typed, as of today', () => {
    const table: [string, ReturnType<typeof readReminderSetting>][] = [
      ['reminders weekly', { kind: 'set', pref: { mode: 'weekly' } }],
      ['Reminders Daily', { kind: 'set', pref: { mode: 'daily' } }],
      ['reminders on', { kind: 'set', pref: { mode: 'daily' } }],
      ['reminders off', { kind: 'set', pref: { mode: 'off', until: '2026-11-30' } }],
      ['reminders off for 2 weeks', { kind: 'set', pref: { mode: 'off', until: '2026-11-30' } }],
      ['reminders off for 1 week', { kind: 'set', pref: { mode: 'off', until: '2026-11-23' } }],
      ['  reminders off for 10 days ', { kind: 'set', pref: { mode: 'off', until: '2026-11-26' } }],
      ['reminders off for 13 weeks', { kind: 'set', pref: { mode: 'off', until: '2027-02-15' } }],
      ['reminders off for 14 weeks', { kind: 'outOfRange', typed: 'reminders off for 14 weeks' }],
      ['reminders off for 0 days', { kind: 'outOfRange', typed: 'reminders off for 0 days' }],
      ['reminders sometimes', undefined],
      ['what reminders are due', undefined],
    ];
    for (const [text, want] of table) assert.deepEqual(readReminderSetting(text, TODAY), want, text);
  });

  const store = () => {
    const saved: { id: string; pref: ReminderPreference; at: string }[] = [];
    return { saved, prefs: { set: async (id: string, pref: ReminderPreference, now: Date) => void saved.push({ id, pref, at: now.toISOString() }) } };
  };
  const clock = { today: () => TODAY, now: () => new Date('2026-11-16T10:00:00Z') };
  const caller = { aadObjectId: 'aad-rosa', name: 'Rosa Diaz' };

  it('saves the caller’s preference and says what was saved', async () => {
    const { saved, prefs } = store();
    assert.deepEqual(await setReminders({ prefs, clock }, caller, 'reminders weekly'), { kind: 'saved', mode: 'weekly' });
    assert.deepEqual(await setReminders({ prefs, clock }, caller, 'reminders off for 2 weeks'), { kind: 'paused', until: '2026-11-30' });
    assert.deepEqual(saved, [
      { id: 'aad-rosa', pref: { mode: 'weekly' }, at: '2026-11-16T10:00:00.000Z' },
      { id: 'aad-rosa', pref: { mode: 'off', until: '2026-11-30' }, at: '2026-11-16T10:00:00.000Z' },
    ]);
  });

  it('saves nothing for a caller without a work account, a pause out of range, or other text', async () => {
    const { saved, prefs } = store();
    assert.deepEqual(await setReminders({ prefs, clock }, { name: 'Someone' }, 'reminders off for 99 weeks'), { kind: 'noAccount' });
    assert.deepEqual(await setReminders({ prefs, clock }, caller, 'reminders off for 99 weeks'), { kind: 'outOfRange', typed: 'reminders off for 99 weeks' });
    assert.equal(await setReminders({ prefs, clock }, caller, 'reminders please'), undefined);
    assert.deepEqual(saved, []);
  });
});
