import assert from 'node:assert/strict';
import { startHarness, cardOf, cardText, ROSA, type Harness } from '../support/botHarness';
import { seedFixtures } from '../support/fixtures';
import { entitiesReadCount, recordTableRequests, tableRequestCount } from '../../storage/requestCounter';
import { openTables } from '../../storage/tables';
import { PlanRepository } from '../../storage/planRepository';
import { importPlan } from '../../services/importPlan';
import { generateDataset } from '../../bench/generatePlan';
import type { ParsedPlan } from '../../domain/model';
import { roleKey } from '../../domain/roles';
import { isOpen, onOwnersList } from '../../domain/schedule';

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

  it('"what\'s overdue" costs one table request', async () => {
    const c = await cost(h, "what's overdue");
    assert.match(c.reply, /showing 1–10 of 13/);
    // The plan's due summary row opens the range read of the page (storage/dueSummary.ts).
    assert.equal(c.requests, 1, `${c.requests} requests`);
  });

  it('"my actions" costs at most 2 table requests; "action X" its reads of the action, lead and history', async () => {
    const mine = await cost(h, 'my actions');
    assert.match(mine.reply, /HoS \(RB\)/);
    assert.ok(mine.requests <= 2, `my actions: ${mine.requests} requests`);
    await h.say('action 2.3'); // the first ref question reads the plan's refs (kept per revision)
    const action = await cost(h, 'action 2.4');
    assert.match(action.reply, /2\.4/);
    // The action with its milestones (which keep their latest changes; the lead is in the directory
    // held in memory) and the cited KPIs' definitions in one query.
    assert.ok(action.requests <= 2, `action 2.4: ${action.requests} requests`);
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
    // 720 items in the plan: the action and its 5 milestones (which keep their latest changes), and one
    // row per KPI cited (its definition carries its last two values), the KPIs in one query.
    assert.ok(c.entities <= 6 + second.kpiCodes.length, `action ${second.ref} read ${c.entities} entities`);
    assert.ok(c.requests <= 2, `action ${second.ref}: ${c.requests} requests`);
  });

  it('"what\'s amber" costs one table request, with the count of the whole list', async () => {
    const amber = (await h.bot.services.plans.listAllItems('big')).filter((i) => i.kind === 'action' && i.rag === 'amber' && isOpen(i.status));
    assert.ok(amber.length > 10, 'the plan has more than a page of open amber actions');
    const c = await cost(h, "what's amber");
    assert.match(c.reply, new RegExp(`showing 1–${Math.min(10, amber.length)} of ${amber.length}`), c.reply.slice(0, 400));
    // The rag| index's count row opens the range read of the page (storage/pagedIndexes.ts).
    assert.equal(c.requests, 1, `${c.requests} requests`);
    // The count row and the page, with the few rows past it that the read's page size takes (not the plan's 720 items).
    assert.ok(c.entities <= 1 + 10 + 21, `${c.entities} entities read`);
  });

  it('"summary", "what\'s slipping", "priority N" and "unowned actions" read counters and their own rows, not the plan\'s 720 items', async () => {
    const c = await cost(h, 'summary');
    assert.match(c.reply, /120/, `the summary counts the plan's 120 actions: ${c.reply.slice(0, 400)}`);
    // The tally's count rows, the lead| count rows and the due summary in one query (storage/pagedIndexes.ts); the directory is held in memory.
    assert.ok(c.requests <= 2, `summary: ${c.requests} requests`);
    assert.ok(c.entities <= 100, `summary: ${c.entities} entities read`);
    const sl = await cost(h, "what's slipping");
    assert.match(sl.reply, /Slipping|Nothing is slipping/);
    assert.ok(sl.requests <= 2 && sl.entities < 720, `slipping: ${sl.requests} requests, ${sl.entities} entities read`);
    const pr = await cost(h, 'priority 2');
    assert.match(pr.reply, /Priority 2/);
    assert.ok(pr.requests <= 2 && pr.entities <= 60, `priority 2: ${pr.requests} requests, ${pr.entities} entities read`);
    const u = await cost(h, 'unowned actions');
    assert.match(u.reply, /Unowned actions|Every open action has an owner/);
    assert.ok(u.requests <= 3, `unowned: ${u.requests} requests`);
    // The lead| count rows (one per owner role with open actions) and the unowned actions themselves.
    const total = Number(/showing 1–\d+ of (\d+)/.exec(u.reply)?.[1] ?? NaN);
    assert.ok(total > 10, `more than a page is unowned here: ${u.reply.slice(0, 200)}`);
    assert.ok(u.entities <= total + 100 && u.entities < 720, `unowned: ${u.entities} entities read for ${total} unowned actions`);
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
    // The load (the rows keep their latest changes), the summary and owner count rows (one query), the
    // transaction, and the KPIs cited (one query).
    assert.ok(sent.length <= 4, `${sent.length} requests:\n${sent.join('\n')}`);
  });

  it('saved from the form the bot sent, reads the rows the save moves with the item, and writes once', async () => {
    const opened = await h.execute('openUpdate', { planId: 'southend-2021', ref: '2.6', seq: '' }, { from: ROSA });
    const save = JSON.stringify(opened.body.value).match(/"verb":"submitUpdate","style":"positive","data":(\{[^}]*\})/);
    assert.ok(save, `the form has a Save update button: ${JSON.stringify(opened.body.value).slice(0, 1500)}`);
    const data = JSON.parse(save[1]) as Record<string, string>;
    assert.ok(data.owner, `the form's data names the owner it showed: ${save[1]}`);
    const stop = recordTableRequests();
    // A RAG change moves the due summary and the owner's count row: both come with the load.
    const r = await h.execute('submitUpdate', { ...data, status: 'not_on_track', rag: 'red', commentary: 'Provider withdrew' }, { from: ROSA });
    const sent = stop();
    assert.match(cardText(r.body.value as object), /Provider withdrew/);
    const reads = sent.filter((q) => q.startsWith('GET') && q.includes('/PlanItems'));
    assert.equal(reads.length, 1, `one read of the plan's rows:\n${sent.join('\n')}`);
    // Turning red also queues a notice to the manager (its ledger row): that is the proactive path's, not the card's.
    const card = sent.filter((q) => !q.includes('/Ledger'));
    assert.ok(card.length <= 3, `the load, the transaction and any cited KPIs: ${card.length} requests:\n${sent.join('\n')}`);
    // The due summary moved with the save: its counts are the index rows' (every open dated item, by RAG).
    const plans = h.bot.services.plans;
    const revision = (await plans.listPlans()).find((p) => p.id === 'southend-2021')?.revision;
    const { counts: counted } = await plans.overdueFirst('southend-2021', '2999-12-31', 1, revision);
    const rows = await plans.listOpenDueBefore('southend-2021', '2999-12-31');
    assert.equal(counted.total, rows.length);
    assert.equal(counted.rag.red, rows.filter((i) => i.rag === 'red').length, 'red items in the summary and the rows');
  });

  it('marked complete from the form (so awaiting sign-off), reads the plan\'s rows at most twice and is listed', async () => {
    const opened = await h.execute('openUpdate', { planId: 'southend-2021', ref: '2.5', seq: '' }, { from: ROSA });
    const save = JSON.stringify(opened.body.value).match(/"verb":"submitUpdate","style":"positive","data":(\{[^}]*\})/);
    assert.ok(save, `the form has a Save update button: ${JSON.stringify(opened.body).slice(0, 600)}`);
    const stop = recordTableRequests();
    const r = await h.execute('submitUpdate', { ...(JSON.parse(save[1]) as Record<string, string>), status: 'complete', rag: 'auto', commentary: 'All done', evidenceUrl: 'https://example.org/evidence' }, { from: ROSA });
    const sent = stop();
    assert.match(cardText(r.body.value as object), /awaiting sign-off/i);
    // The load, and one read of the awaiting| count row it moves (not asked with the load: each clause
    // costs the emulator a scan; see getItemWithActionForUpdate).
    assert.ok(sent.filter((q) => q.startsWith('GET') && q.includes('/PlanItems')).length <= 2, `at most two reads of the plan's rows:\n${sent.join('\n')}`);
    const waiting = await h.bot.services.plans.listAwaitingSignOff('southend-2021');
    assert.ok(waiting?.some((i) => i.ref === '2.5'), 'listed as awaiting sign-off');
  });

  it('a revised date from the form (so slipping) reads the plan\'s rows at most twice, and the item is on the slipping list', async () => {
    const opened = await h.execute('openUpdate', { planId: 'southend-2021', ref: '6.3', seq: '' }, { from: ROSA });
    const save = JSON.stringify(opened.body.value).match(/"verb":"submitUpdate","style":"positive","data":(\{[^}]*\})/);
    assert.ok(save, `the form has a Save update button: ${JSON.stringify(opened.body).slice(0, 600)}`);
    const stop = recordTableRequests();
    const r = await h.execute('submitUpdate', { ...(JSON.parse(save[1]) as Record<string, string>), status: 'some_issues', rag: 'amber', commentary: 'Moved to the spring', revisedDue: '2022-04-30', revisedDueReason: 'Waiting on the new provider' }, { from: ROSA });
    const sent = stop();
    assert.match(cardText(r.body.value as object), /Moved to the spring/);
    // The load, and one read of the owned| and moved| rows a new date moves.
    assert.ok(sent.filter((q) => q.startsWith('GET') && q.includes('/PlanItems')).length <= 2, `at most two reads of the plan's rows:\n${sent.join('\n')}`);
    const slipping = await h.bot.services.plans.listSlipping('southend-2021', '2021-12-15');
    assert.ok(slipping?.some((i) => i.ref === '6.3'), 'listed as slipping');
  });

  it('a wrong owner in the card data costs one more read, never a wrong count', async () => {
    const before = await h.bot.services.plans.getItemForUpdate('southend-2021', '2.6');
    assert.ok(before);
    const stop = recordTableRequests();
    const r = await h.execute('submitUpdate', { planId: 'southend-2021', ref: '2.6', seq: '', version: String(before.item.version), owner: 'Nobody at all', status: 'some_issues', rag: 'amber', commentary: 'Venue lost' }, { from: ROSA });
    const sent = stop();
    assert.match(cardText(r.body.value as object), /Venue lost/);
    assert.equal(sent.filter((q) => q.startsWith('GET') && q.includes('/PlanItems')).length, 2, `the load, then the owner's count row:\n${sent.join('\n')}`);
    const owner = before.item.ownerRole!;
    const page = await h.bot.services.plans.ownedOpenPage('southend-2021', roleKey(owner), 50);
    const all = (await h.bot.services.plans.listByOwner('southend-2021', roleKey(owner))).filter((i) => onOwnersList(i.status));
    assert.ok(page, 'the plan is indexed');
    assert.equal(page.rag.red, all.filter((i) => i.rag === 'red').length, `${owner}'s red count is the rows'`);
    assert.equal(page.total, all.length);
  });
});
