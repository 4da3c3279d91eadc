import assert from 'node:assert/strict';
import type { Meeting } from '../../domain/boardPack';
import type { PlanInfo } from '../../domain/model';
import type { Caller, Services } from '../../services/context';
import type { SnapshotStore } from '../../services/ports/snapshotStore';
import type { PlanStore } from '../../services/ports/planStore';
import type { DirectoryStore } from '../../services/ports/directoryStore';
import type { KpiStore } from '../../services/ports/kpiStore';
import type { ConversationStore } from '../../services/ports/conversationStore';
import { setBoardMeeting } from '../../services/boardMeeting';
import { only } from '../support/portFakes';

/**
 * "board meeting <date>" as a use case over in-memory ports: no Azurite, no Teams. A port method
 * the use case was not expected to call throws.
 */
const ADMIN: Caller = { aadObjectId: 'aad-priya', name: 'Priya Raman' };
const MANAGER: Caller = { aadObjectId: 'aad-jordan', name: 'Jordan Lee' };

function world(plans: PlanInfo[]) {
  const set: { planId: string; meeting: Meeting; setBy: string; setAt: string }[] = [];
  const services: Services = {
    plans: only<PlanStore>('plans', { listPlans: async () => plans }),
    directory: only<DirectoryStore>('directory', {}),
    kpis: only<KpiStore>('kpis', {}),
    conversations: only<ConversationStore>('conversations', {}),
    clock: { today: () => '2021-12-20', now: () => new Date('2021-12-20T10:00:00Z') },
    adminIds: new Set(['aad-priya']),
  };
  const snapshots = only<SnapshotStore>('snapshots', {
    setMeeting: async (planId, meeting, setBy, setAt) => {
      set.push({ planId, meeting, setBy, setAt });
    },
  });
  return { d: { services, snapshots }, set };
}

const ONE = [{ id: 'southend2021', name: 'Southend 2021' }];
const TWO = [...ONE, { id: 'sefton2022', name: 'Sefton 2022', channelId: '19:sefton@thread.tacv2' }];
const ask = (text: string, o: { caller?: Caller; channelId?: string } = {}) => ({ caller: o.caller ?? ADMIN, channelId: o.channelId, text, daysBefore: 3 });

describe('setBoardMeeting (services/boardMeeting): the "board meeting <date>" use case', () => {
  it('sets the meeting for the only plan, with who and when, and says the day its pack is made', async () => {
    const { d, set } = world(ONE);
    const r = await setBoardMeeting(d, ask('on 14 Jan 2022'));
    assert.deepEqual(r, { kind: 'set', plan: ONE[0], date: '2022-01-14', packDay: '2022-01-11', daysBefore: 3 });
    assert.deepEqual(set, [{ planId: 'southend2021', meeting: { date: '2022-01-14', title: 'Board meeting' }, setBy: 'aad-priya', setAt: '2021-12-20T10:00:00.000Z' }]);
  });

  it('refuses anyone not named in ADMIN_USER_IDS, and a caller with no work account, before reading anything', async () => {
    const { d, set } = world(ONE);
    assert.deepEqual(await setBoardMeeting(d, ask('14 Jan 2022', { caller: MANAGER })), { kind: 'refused' });
    assert.deepEqual(await setBoardMeeting(d, ask('14 Jan 2022', { caller: { name: 'Someone' } })), { kind: 'refused' });
    assert.deepEqual(set, []);
  });

  it('asks for a date, refuses one it cannot read and one that has already come, and writes nothing', async () => {
    const { d, set } = world(ONE);
    assert.deepEqual(await setBoardMeeting(d, ask('')), { kind: 'noDate' });
    const bad = await setBoardMeeting(d, ask('31 Feb 2022'));
    assert.equal(bad.kind, 'badDate');
    assert.match((bad as { reason: string }).reason, /“31 Feb 2022” is not a date I can read/);
    const month = await setBoardMeeting(d, ask('January 2022'));
    assert.deepEqual(month, { kind: 'badDate', reason: '“January 2022” names a month, not a day; give the day too, such as 14 Jan 2027' });
    assert.deepEqual(await setBoardMeeting(d, ask('20 Dec 2021')), { kind: 'past', date: '2021-12-20' });
    assert.deepEqual(await setBoardMeeting(d, ask('1 Dec 2021')), { kind: 'past', date: '2021-12-01' });
    assert.deepEqual(set, []);
  });

  it('with several plans, takes the one named or the channel’s, and otherwise asks which', async () => {
    const { d, set } = world(TWO);
    assert.deepEqual(await setBoardMeeting(d, ask('14 Jan 2022')), { kind: 'choosePlan', choice: { kind: 'choose', choices: ['Southend 2021', 'Sefton 2022'] }, dateText: '14 Jan 2022' });
    assert.equal((await setBoardMeeting(d, ask('14 Jan 2022', { channelId: '19:sefton@thread.tacv2' }))).kind, 'set');
    assert.equal((await setBoardMeeting(d, ask('for Southend 2021 on 21 Jan 2022'))).kind, 'set');
    assert.deepEqual(
      set.map((s) => [s.planId, s.meeting.date]),
      [
        ['sefton2022', '2022-01-14'],
        ['southend2021', '2022-01-21'],
      ],
    );
  });

  it('says there are no plans yet', async () => {
    const { d } = world([]);
    assert.deepEqual(await setBoardMeeting(d, ask('14 Jan 2022')), { kind: 'choosePlan', choice: { kind: 'noPlans' }, dateText: '14 Jan 2022' });
  });
});
