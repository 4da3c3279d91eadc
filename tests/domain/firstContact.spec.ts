import assert from 'node:assert/strict';
import type { Person, PlanInfo } from '../../domain/model';
import type { ItemState, ItemSummary } from '../../domain/planItem';
import { roleKey } from '../../domain/roles';
import type { Services } from '../../services/context';
import type { ConversationRef, ConversationStore } from '../../services/ports/conversationStore';
import type { DirectoryStore } from '../../services/ports/directoryStore';
import type { KpiStore } from '../../services/ports/kpiStore';
import type { PlanStore } from '../../services/ports/planStore';
import { FirstContacts, firstContactJobs } from '../../proactive/firstContact';
import { only } from '../support/portFakes';

/** First contact (proactive/firstContact.ts) over in-memory ports: who it is, and what they are sent. */

describe('first contact (proactive/firstContact)', () => {
  describe('FirstContacts.isFirst', () => {
    const withRefs = (ids: string[]) => {
      const reads: string[] = [];
      const store = only<ConversationStore>('conversations', {
        get: async (kind, id) => {
          reads.push(`${kind}:${id}`);
          return ids.includes(id) ? ({ conversation: { id: 'c' } } as unknown as ConversationRef) : undefined;
        },
      });
      return { contacts: new FirstContacts(store), reads };
    };

    it('is true for someone in personal chat with no conversation reference, once; each person is read once per process', async () => {
      const { contacts, reads } = withRefs(['aad-known']);
      assert.equal(await contacts.isFirst({ aadObjectId: 'AAD-New', isPersonal: true }), true);
      assert.equal(await contacts.isFirst({ aadObjectId: 'aad-new', isPersonal: true }), false);
      assert.equal(await contacts.isFirst({ aadObjectId: 'aad-known', isPersonal: true }), false);
      assert.equal(await contacts.isFirst({ aadObjectId: 'aad-known', isPersonal: true }), false);
      assert.deepEqual(reads, ['user:aad-new', 'user:aad-known']);
    });

    it('is false, with no read, outside personal chat or without an Entra id', async () => {
      const { contacts, reads } = withRefs([]);
      assert.equal(await contacts.isFirst({ aadObjectId: 'aad-new', isPersonal: false }), false);
      assert.equal(await contacts.isFirst({ isPersonal: true }), false);
      assert.deepEqual(reads, []);
    });

    it('a failed read throws and is tried again next time', async () => {
      let fail = true;
      const contacts = new FirstContacts(
        only<ConversationStore>('conversations', {
          get: async () => {
            if (fail) throw new Error('store down');
            return undefined;
          },
        }),
      );
      await assert.rejects(contacts.isFirst({ aadObjectId: 'aad-new', isPersonal: true }), /store down/);
      fail = false;
      assert.equal(await contacts.isFirst({ aadObjectId: 'aad-new', isPersonal: true }), true);
    });
  });

  describe('firstContactJobs', () => {
    const NO_ESCALATION = { workingDays: 0, timeZone: 'Europe/London' };
    const people: Person[] = [
      { role: 'Head of Housing', name: 'Rosa Diaz', email: 'rosa@council.example', aadObjectId: 'aad-rosa', managerRole: 'Director of Place' },
      { role: 'Director of Place', name: 'Jordan Lee', email: 'jordan@council.example', aadObjectId: 'aad-jordan' },
    ];
    const plans: PlanInfo[] = [{ id: 'p1', name: 'Council Plan' }];
    const summary = (ref: string, over: Partial<ItemSummary> = {}): ItemSummary => ({
      planId: 'p1',
      ref,
      kind: 'action',
      title: `Action ${ref}`,
      ownerRole: 'Head of Housing',
      due: { kind: 'date', date: '2026-11-30' },
      status: 'awaiting_signoff',
      rag: 'green',
      ...over,
    });
    const items = [summary('2.4'), summary('2.4', { kind: 'milestone', seq: 1 }), summary('3.1', { status: 'on_track' }), summary('1.1', { ownerRole: 'Director of Place' })];
    const versions: Record<string, number> = { '2.4|': 7 };

    const services = (): Services => ({
      plans: only<PlanStore>('plans', {
        listPlans: async () => plans,
        listByOwner: async (planId, owner) => items.filter((i) => i.planId === planId && i.ownerRole && roleKey(i.ownerRole) === owner),
        getItemForUpdate: async (_planId, ref, seq) => {
          const v = versions[`${ref}|${seq ?? ''}`];
          return v === undefined ? undefined : { item: { version: v } as ItemState, token: {} as never };
        },
      }),
      directory: only<DirectoryStore>('directory', {
        rolesOf: async ({ aadObjectId }) => people.filter((p) => p.aadObjectId === aadObjectId),
        listAll: async () => people,
      }),
      kpis: only<KpiStore>('kpis', {}),
      conversations: only<ConversationStore>('conversations', {}),
      clock: { today: () => '2026-11-16', now: () => new Date('2026-11-16T10:00:00Z') },
      adminIds: new Set(),
    });

    it('is one sign-off job per item awaiting the manager, named by the request’s version (the day when the item cannot be read)', async () => {
      const { jobs, items: waiting } = await firstContactJobs(services(), 'aad-jordan', NO_ESCALATION);
      assert.deepEqual(
        waiting.map((i) => [i.ref, i.seq, i.planName]),
        [
          ['2.4', undefined, 'Council Plan'],
          ['2.4', 1, 'Council Plan'],
        ],
      );
      assert.deepEqual(jobs, [
        { id: 'signoff|p1|2.4||v7|aad-jordan|first-contact', kind: 'signoff', recipient: 'aad-jordan', planId: 'p1', ref: '2.4', seq: undefined, day: '2026-11-16' },
        { id: 'signoff|p1|2.4|1|v2026-11-16|aad-jordan|first-contact', kind: 'signoff', recipient: 'aad-jordan', planId: 'p1', ref: '2.4', seq: 1, day: '2026-11-16' },
      ]);
    });

    it('is nothing for someone who manages no one, or is not in the directory', async () => {
      assert.deepEqual(await firstContactJobs(services(), 'aad-rosa', NO_ESCALATION), { jobs: [], items: [] });
      assert.deepEqual(await firstContactJobs(services(), 'aad-stranger', NO_ESCALATION), { jobs: [], items: [] });
    });
  });

  describe('firstContactJobs: escalations to the manager’s manager', () => {
    const people: Person[] = [
      { role: 'Head of Housing', name: 'Rosa Diaz', email: 'rosa@council.example', aadObjectId: 'aad-rosa', managerRole: 'Director of Place' },
      { role: 'Director of Place', name: 'Jordan Lee', email: 'jordan@council.example', aadObjectId: 'aad-jordan', managerRole: 'Chief Executive' },
      { role: 'Chief Executive', name: 'Casey Moor', email: 'casey@council.example', aadObjectId: 'AAD-Casey' },
      { role: 'Head of Parks', name: 'Pat Hale', email: 'pat@council.example', aadObjectId: 'aad-pat', managerRole: 'Director of Parks' },
      { role: 'Director of Parks', name: 'Dee Lund', email: 'dee@council.example', aadObjectId: 'aad-dee' },
    ];
    const plans: PlanInfo[] = [{ id: 'p1', name: 'Council Plan' }];
    // Monday 16 Nov 2026. Asked on Mon 2 Nov: 10 working days; on Thu 12 Nov: 3.
    const item = (ref: string, over: Partial<ItemState>): ItemState => ({
      planId: 'p1',
      ref,
      kind: 'action',
      title: `Action ${ref}`,
      ownerRole: 'Head of Housing',
      due: { kind: 'date', date: '2026-10-30' },
      status: 'awaiting_signoff',
      rag: 'green',
      version: 4,
      signOff: { requestedAt: '2026-11-02T10:00:00Z', requestedVersion: 4 },
      ...over,
    } as ItemState);
    const items = [
      item('2.4', {}),
      item('2.5', { signOff: { requestedAt: '2026-11-12T10:00:00Z', requestedVersion: 4 } }),
      item('2.6', { status: 'on_track', signOff: undefined }),
      item('5.1', { ownerRole: 'Head of Parks' }),
    ];
    const key = (ref: string, seq?: number) => `${ref}|${seq ?? ''}`;
    const services = (): Services => ({
      plans: only<PlanStore>('plans', {
        listPlans: async () => plans,
        listByOwner: async (planId, owner) => items.filter((i) => i.planId === planId && i.ownerRole && roleKey(i.ownerRole) === owner),
        getItemForUpdate: async (_planId, ref, seq) => {
          const found = items.find((i) => key(i.ref, i.seq) === key(ref, seq));
          return found && { item: found, token: {} as never };
        },
      }),
      directory: only<DirectoryStore>('directory', {
        rolesOf: async ({ aadObjectId }) => people.filter((p) => p.aadObjectId.toLowerCase() === aadObjectId?.toLowerCase()),
        listAll: async () => people,
      }),
      kpis: only<KpiStore>('kpis', {}),
      conversations: only<ConversationStore>('conversations', {}),
      clock: { today: () => '2026-11-16', now: () => new Date('2026-11-16T10:00:00Z') },
      adminIds: new Set(),
    });
    const FIVE_DAYS = { workingDays: 5, timeZone: 'Europe/London' };

    it('sends the senior manager each sign-off that has waited past the limit, once per request', async () => {
      const { jobs, items: sent } = await firstContactJobs(services(), 'aad-casey', FIVE_DAYS);
      assert.deepEqual(sent.map((i) => [i.ref, i.planName]), [['2.4', 'Council Plan']], 'only the one waiting 10 working days');
      assert.deepEqual(jobs, [
        { id: 'signoffEscalation|p1|2.4||v4|AAD-Casey|first-contact', kind: 'signoffEscalation', recipient: 'AAD-Casey', planId: 'p1', ref: '2.4', seq: undefined, stage: 'v4', day: '2026-11-16' },
      ]);
    });

    it('sends nothing when escalation is off, to someone with nobody two levels below, or where the chain stops', async () => {
      assert.deepEqual(await firstContactJobs(services(), 'aad-casey', { workingDays: 0, timeZone: 'Europe/London' }), { jobs: [], items: [] });
      assert.deepEqual((await firstContactJobs(services(), 'aad-dee', FIVE_DAYS)).jobs.filter((j) => j.kind === 'signoffEscalation'), [], 'Director of Parks reports to nobody');
      assert.deepEqual(await firstContactJobs(services(), 'aad-rosa', FIVE_DAYS), { jobs: [], items: [] });
    });

    it('the manager still gets their own sign-off requests beside any escalation', async () => {
      const { jobs } = await firstContactJobs(services(), 'aad-jordan', FIVE_DAYS);
      assert.deepEqual(jobs.map((j) => j.kind), ['signoff', 'signoff'], 'Jordan is asked for 2.4 and 2.5, and escalated nothing');
    });
  });
});
