import assert from 'node:assert/strict';
import type { ItemState } from '../../domain/planItem';
import type { Person } from '../../domain/model';
import { escalationDue, signOffWait } from '../../domain/signOff';
import { workingDaysBetween } from '../../domain/workingTime';
import { maySignOff } from '../../domain/permissions';
import { applySignOff, applyUpdate } from '../../domain/statusUpdate';

const item = (over: Partial<ItemState> = {}): ItemState => ({
  planId: 'p',
  ref: '2.4',
  kind: 'action',
  title: 'Publish the report',
  ownerRole: 'HoS (RB)',
  due: { kind: 'date', date: '2026-10-31' },
  status: 'awaiting_signoff',
  rag: 'green',
  version: 2,
  signOff: { requestedAt: '2026-10-30T16:00:00Z', requestedVersion: 2 },
  ...over,
});

const rosa: Person = { role: 'HoS (RB)', name: 'Rosa Bennett', email: 'r@x', aadObjectId: 'r', managerRole: 'DCS' };
const jordan: Person = { role: 'DCS', name: 'Jordan Hale', email: 'j@x', aadObjectId: 'j', managerRole: 'Executive Director' };
const priya: Person = { role: 'Executive Director', name: 'Priya Raman', email: 'p@x', aadObjectId: 'p' };
const authority = (caller: Person[], isAdmin = false) => ({ callerRoles: caller, isAdmin, ownerRole: 'HoS (RB)', owner: rosa, manager: jordan, seniorManager: priya });

describe('sign-off rules', () => {
  it('working days between two dates skip weekends', () => {
    // Fri 30 Oct 2026 → Mon 2 Nov is one working day; → Fri 6 Nov five; → Mon 9 Nov six.
    assert.deepEqual(
      ['2026-10-30', '2026-10-31', '2026-11-02', '2026-11-06', '2026-11-09'].map((d) => workingDaysBetween('2026-10-30', d)),
      [0, 0, 1, 5, 6],
    );
  });

  it('a sign-off is escalated after more than N working days, from the local date it was requested; 0 never', () => {
    assert.equal(escalationDue(item(), '2026-11-06', 'Europe/London', 5), undefined);
    assert.deepEqual(escalationDue(item(), '2026-11-09', 'Europe/London', 5), { since: '2026-10-30T16:00:00Z', sinceDate: '2026-10-30', workingDays: 6, requestedVersion: 2 });
    assert.equal(escalationDue(item(), '2027-01-09', 'Europe/London', 0), undefined);
    assert.equal(escalationDue(item({ status: 'complete' }), '2026-11-09', 'Europe/London', 5), undefined);
    // 23:30 UTC on 31 Jul is 00:30 on 1 Aug in London (BST): the request's local date counts.
    assert.equal(signOffWait(item({ signOff: { requestedAt: '2026-07-31T23:30:00Z', requestedVersion: 2 } }), '2026-08-03', 'Europe/London')?.sinceDate, '2026-08-01');
    // An imported item without a request record counts from its last update.
    assert.equal(signOffWait(item({ signOff: undefined, updatedAt: '2026-10-30T09:00:00Z', version: 7 }), '2026-11-09', 'Europe/London')?.requestedVersion, 7);
  });

  it('the manager, the role above the manager and admins may sign off; the owner may not', () => {
    assert.deepEqual(maySignOff(authority([jordan])), { allowed: true, as: 'manager' });
    assert.deepEqual(maySignOff(authority([priya])), { allowed: true, as: 'seniorManager' });
    assert.deepEqual(maySignOff(authority([], true)), { allowed: true, as: 'admin' });
    const refused = maySignOff(authority([rosa]));
    assert.deepEqual(refused, { allowed: false, whoCan: ['Jordan Hale (DCS)', 'Priya Raman (Executive Director)', 'a plan administrator'] });
  });

  it('completing starts a request; the decision and its note are kept apart from the commentary', () => {
    const open = item({ status: 'on_track', version: 1, signOff: undefined, commentary: 'Report drafted', evidenceUrl: 'https://x.example/r' });
    const done = applyUpdate(open, { status: 'complete' }, { id: 'r', name: 'Rosa Bennett' }, '2026-10-30T16:00:00Z', 'req1', '2026-10-30');
    assert.ok(done.ok);
    assert.deepEqual(done.after.signOff, { requestedAt: '2026-10-30T16:00:00Z', requestedVersion: 2 });
    const returned = applySignOff(done.after, 'return', 'Not the final version', { id: 'j', name: 'Jordan Hale' }, '2026-11-02T10:00:00Z', 'req2');
    assert.ok(returned.ok);
    assert.equal(returned.after.commentary, 'Report drafted');
    assert.deepEqual(returned.after.signOff?.decision, { kind: 'returned', by: 'j', byName: 'Jordan Hale', at: '2026-11-02T10:00:00Z', note: 'Not the final version' });
  });
});
