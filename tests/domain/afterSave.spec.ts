import assert from 'node:assert/strict';
import type { ActionDetail, HistoryEntry, ItemState } from '../../domain/planItem';
import type { Person, PlanInfo } from '../../domain/model';
import type { PlanStore } from '../../services/ports/planStore';
import { noticesAfterSave } from '../../services/afterSave';
import { only } from '../support/portFakes';

const rosa: Person = { role: 'HoS (RB)', name: 'Rosa Bennett', email: 'r@x', aadObjectId: 'rosa', managerRole: 'DCS' };
const jordan: Person = { role: 'DCS', name: 'Jordan Hale', email: 'j@x', aadObjectId: 'jordan' };

const item = (over: Partial<ItemState> = {}): ItemState => ({
  planId: 'p1',
  ref: '2.4',
  kind: 'action',
  title: 'Publish the report',
  ownerRole: 'HoS (RB)',
  due: { kind: 'date', date: '2026-10-31' },
  status: 'on_track',
  rag: 'green',
  version: 2,
  ...over,
});

function saved(before: ItemState, after: ItemState, by: Person, opts: { manager?: Person } = { manager: jordan }) {
  const manager = opts.manager;
  const history: HistoryEntry = { planId: 'p1', ref: '2.4', at: '2026-10-30T10:00:00Z', by: by.aadObjectId!, byName: by.name, source: 'card', changes: [] };
  const action = { ...after, kind: 'action', outcomes: [], kpiCodes: [], milestones: [] } as unknown as ActionDetail;
  return { kind: 'saved' as const, before, item: after, action, history, authority: { callerRoles: [by], isAdmin: false, ownerRole: 'HoS (RB)', owner: rosa, manager } };
}

/** The plan port: only the (cached) plan list may be read. */
const plans = (list: PlanInfo[]) => only<Pick<PlanStore, 'listPlans'>>('plans', { listPlans: async () => list });
const linked = plans([{ id: 'p1', name: 'Plan', channelId: '19:chan@thread.tacv2' }]);

describe('who hears about a saved change (services/afterSave)', () => {
  it('completed work asks the owner\'s manager to sign it off, once, when it first awaits sign-off', async () => {
    const after = item({ status: 'awaiting_signoff', version: 3 });
    assert.deepEqual(await noticesAfterSave(linked, saved(item(), after, rosa)), [{ kind: 'askSignOff', item: after, managerId: 'jordan' }]);
    assert.deepEqual(await noticesAfterSave(linked, saved(item({ status: 'awaiting_signoff' }), after, rosa)), [], 'already waiting: not asked again');
    assert.deepEqual(await noticesAfterSave(linked, saved(item(), after, rosa, {})), [], 'no manager in the directory: nobody to ask');
  });

  it('a RAG move is told to the linked channel in words, with the owner and commentary', async () => {
    const n = await noticesAfterSave(linked, saved(item(), item({ rag: 'amber', commentary: 'Printer delayed' }), rosa));
    assert.equal(n.length, 1);
    assert.equal(n[0].kind, 'ragMoved');
    assert.ok(n[0].kind === 'ragMoved');
    assert.equal(n[0].channelId, '19:chan@thread.tacv2');
    assert.match(n[0].line, /Green → Amber — HoS \(RB\): Printer delayed$/);
    assert.equal(n[0].byName, 'Rosa Bennett');
    assert.deepEqual(await noticesAfterSave(plans([{ id: 'p1', name: 'Plan' }]), saved(item(), item({ rag: 'amber' }), rosa)), [], 'no linked channel: no channel notice');
  });

  it('turning red also tells the manager, unless the manager made the change', async () => {
    const byOwner = await noticesAfterSave(linked, saved(item(), item({ rag: 'red' }), rosa));
    assert.deepEqual(byOwner.map((n) => n.kind), ['ragMoved', 'turnedRed']);
    assert.ok(byOwner[1].kind === 'turnedRed' && byOwner[1].managerId === 'jordan');
    const byManager = await noticesAfterSave(linked, saved(item(), item({ rag: 'red' }), jordan));
    assert.deepEqual(byManager.map((n) => n.kind), ['ragMoved']);
  });

  it('an unchanged RAG reads no plan list and tells nobody', async () => {
    const noPlans = only<Pick<PlanStore, 'listPlans'>>('plans', {});
    assert.deepEqual(await noticesAfterSave(noPlans, saved(item(), item({ commentary: 'On track' }), rosa)), []);
  });
});
