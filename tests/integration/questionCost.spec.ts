import assert from 'node:assert/strict';
import { startHarness, cardOf, cardText, ROSA, type Harness } from '../support/botHarness';
import { seedFixtures } from '../support/fixtures';
import { entitiesReadCount, recordTableRequests, tableRequestCount } from '../../storage/requestCounter';
import { openTables } from '../../storage/tables';
import { PlanRepository } from '../../storage/planRepository';
import { importPlan } from '../../services/importPlan';
import { generateDataset } from '../../bench/generatePlan';
import type { ParsedPlan } from '../../domain/model';

/** Southend 2021 on 15 Nov 2021 (as questions.spec.ts): 13 open items are overdue. */
const TODAY = '2021-11-15';

/** What one question cost in table requests and entities read, with its reply's text. */
async function cost(h: Harness, text: string): Promise<{ requests: number; entities: number; reply: string }> {
  const r0 = tableRequestCount();
  const e0 = entitiesReadCount();
  const sent = await h.say(text);
  const requests = tableRequestCount() - r0;
  const entities = entitiesReadCount() - e0;
  assert.equal(sent.length, 1, `one reply to "${text}"`);
  return { requests, entities, reply: cardText(cardOf(sent[0])) };
}

/** Southend 2021 seeded, with Rosa's conversation reference already stored. */
async function southendHarness(): Promise<Harness> {
  const h = await startHarness({ today: TODAY });
  await seedFixtures(h.bot.services, ['southend2021']);
  await h.say('hello', { from: ROSA });
  return h;
}

describe('what a question costs in table storage', function () {
  this.timeout(90_000);
  let h: Harness;
  before(async () => {
    h = await southendHarness();
  });
  after(async () => h?.stop());

  it('reads and writes no turn state, and does not rewrite an unchanged conversation reference', async () => {
    await h.say('help'); // fills the plan list cache, as any earlier question would have
    const c = await cost(h, 'help');
    assert.match(c.reply, /overdue/i, 'help was answered');
    assert.equal(c.requests, 0, 'help needs no storage at all once the reference is stored');
  });

  it('"what\'s overdue" costs at most 2 table requests', async () => {
    const c = await cost(h, "what's overdue");
    assert.match(c.reply, /showing 1–10 of 13/);
    assert.ok(c.requests <= 2, `${c.requests} requests`);
  });

  it('"my actions" costs at most 2 table requests; "action X" its reads of the action, lead and history', async () => {
    const mine = await cost(h, 'my actions');
    assert.match(mine.reply, /HoS \(RB\)/);
    assert.ok(mine.requests <= 2, `my actions: ${mine.requests} requests`);
    const action = await cost(h, 'action 2.4');
    assert.match(action.reply, /2\.4/);
    // The action with its milestones, its lead, its last five history rows, and 2 per cited KPI code.
    assert.ok(action.requests <= 3 + 2 * 6, `action 2.4: ${action.requests} requests`);
  });
});

describe('conversation references are written when they change', function () {
  this.timeout(60_000);
  let h: Harness;
  before(async () => {
    h = await startHarness({ today: TODAY });
  });
  after(async () => h?.stop());

  it('skips an unchanged reference, writes a changed one, and writes again after it was forgotten', async () => {
    const conv = h.bot.services.conversations;
    const ref = { serviceUrl: 'https://smba.example/uk/', conversation: { id: 'a:1', conversationType: 'personal', isGroup: false, name: '' }, activityId: 'm1' };
    assert.equal(await conv.save('user', 'user-1', ref, { ifChanged: true }), true, 'first sight is written');
    assert.equal(await conv.save('user', 'user-1', { ...ref, activityId: 'm2' }, { ifChanged: true }), false, 'only the message id differs: no write');
    const moved = { ...ref, serviceUrl: 'https://smba.example/emea/' };
    assert.equal(await conv.save('user', 'user-1', moved, { ifChanged: true }), true, 'a moved service URL is written');
    assert.equal((await conv.get('user', 'user-1'))?.serviceUrl, moved.serviceUrl);
    await conv.remove('user', 'user-1');
    assert.equal(await conv.save('user', 'user-1', moved, { ifChanged: true }), true, 'a forgotten reference is written again');
    assert.equal((await conv.get('user', 'user-1'))?.serviceUrl, moved.serviceUrl);
    assert.equal(await conv.save('user', 'user-1', moved), true, 'without ifChanged it always writes');
  });
});

describe('"action X" resolves its ref without reading the whole plan', function () {
  this.timeout(120_000);
  const today = '2026-03-16';
  let h: Harness;
  let plan: ParsedPlan;
  let data: ReturnType<typeof generateDataset>;
  const escape = (t: string) => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  before(async () => {
    h = await startHarness({ today });
    data = generateDataset({ actions: 120, today, seed: 7, kpiCount: 120, kpiMonths: 12 });
    plan = data.plan;
    await h.bot.services.kpis.upsertDefinitions(data.kpis);
    await h.bot.services.kpis.upsertValues(data.kpiValues, 'test', new Date(`${today}T09:00:00Z`).toISOString());
    await importPlan(h.bot.services.plans, { planId: 'big', planName: 'Big plan', parsed: plan, dryRun: false, now: new Date(`${today}T09:00:00Z`) });
    await h.say('hello', { from: ROSA });
  });
  after(async () => h?.stop());

  it('after the first ref question, reads the action, its history, lead and each KPI\'s row only', async () => {
    const first = plan.actions[3];
    const second = plan.actions.find((a, n) => n > 50 && a.kpiCodes.length >= 2)!;
    const warm = await cost(h, `action ${first.ref}`);
    assert.match(warm.reply, new RegExp(escape(first.title.slice(0, 20))));
    const c = await cost(h, `action ${second.ref}`);
    assert.match(c.reply, new RegExp(escape(second.title.slice(0, 20))));
    for (const code of second.kpiCodes) {
      const def = data.kpis.find((k) => k.code.toLowerCase() === code.toLowerCase())!;
      assert.ok(c.reply.includes(def.name), `the KPI line for ${code} is on the card`);
    }
    // 720 items in the plan: the action and its 5 milestones, up to 5 history rows, and one row per KPI cited
    // (its definition carries its last two values), all the KPIs in one query.
    assert.ok(c.entities <= 12 + second.kpiCodes.length, `action ${second.ref} read ${c.entities} entities`);
    assert.ok(c.requests <= 3, `action ${second.ref}: ${c.requests} requests`);
  });

  it('a ref imported since (here or by another instance) is found, never "no such action" from a kept copy', async () => {
    const extra = { ...plan.actions[0], ref: '99.1', title: 'A late addition to the plan', milestones: [] };
    // Another instance's import: its own repository on the same store. This bot's plan list and
    // kept refs are not told; the miss is checked against fresh reads.
    const other = new PlanRepository(openTables(h.azurite.connectionString));
    await importPlan(other, { planId: 'big', planName: 'Big plan', parsed: { ...plan, actions: [...plan.actions, extra] }, dryRun: false, now: new Date(`${today}T10:00:00Z`) });
    const c = await cost(h, 'action 99.1');
    assert.match(c.reply, /A late addition to the plan/);
    const missing = await cost(h, 'action 98.1');
    assert.match(missing.reply, /no action or milestone 98\.1/i);
  });

  it('"kpi X" typed as defined reads that KPI, not every definition; a typo still gets choices', async () => {
    const c = await cost(h, 'kpi c042');
    assert.match(c.reply, /c042/i);
    // The definition and its 12 monthly values, of 120 KPIs, read together: the exact code needs no other read to resolve.
    assert.ok(c.entities <= 13, `kpi c042 read ${c.entities} entities`);
    assert.ok(c.requests <= 2, `kpi c042: ${c.requests} requests`);
    const typo = await cost(h, 'kpi c0422');
    assert.match(typo.reply, /I don't have a KPI with code c0422/);
    assert.match(typo.reply, /c042/, 'the close code is offered');
  });
});

describe('what a card update costs in table storage', function () {
  this.timeout(90_000);
  let h: Harness;
  before(async () => {
    h = await southendHarness();
    await h.say('action 2.4', { from: ROSA }); // fills the plan list and ref caches, as opening the card would
  });
  after(async () => h?.stop());

  it('reads the action once, writes it, and builds the card from what it wrote', async () => {
    const stop = recordTableRequests();
    const r = await h.execute('submitUpdate', { planId: 'southend-2021', ref: '2.4', seq: '', version: '1', status: 'some_issues', rag: 'amber', commentary: 'Recruitment delayed' });
    const sent = stop();
    assert.equal(r.body.statusCode, 200);
    assert.match(cardText(r.body.value as object), /Recruitment delayed/, 'the card shows the change just saved');
    // The action and its milestones are one range query over item|2.4|…; after the save nothing reads them again.
    const actionReads = sent.filter((s) => s.startsWith('GET') && /item\|2\.4\|/.test(s));
    assert.equal(actionReads.length, 1, `the action is read once:\n${sent.join('\n')}`);
    // Who may edit, the owner and their manager come from the directory held in memory: at most its revision row.
    const directoryReads = sent.filter((s) => s.includes('/Directory'));
    assert.ok(directoryReads.length <= 1, `the directory is read at most once (its revision row):\n${sent.join('\n')}`);
    // The load, the summary and owner count rows (one query), the transaction, the last five history rows, the KPI cited.
    assert.ok(sent.length <= 6, `${sent.length} requests:\n${sent.join('\n')}`);
  });
});
