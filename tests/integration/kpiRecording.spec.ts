import assert from 'node:assert/strict';
import { startHarness, cardOf, cardText, ROSA, JORDAN, type Harness, type Person } from '../support/botHarness';
import { assertValidCard } from '../support/cardValidation';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { KpiDefinition } from '../../domain/model';
import { importPlanFile } from '../../services/importFiles';
import { buildDigest } from '../../services/digest';
import type { SentActivity } from '../support/connectorStub';

/** 9 Dec 2026: November has ended, December has not. Everything here is made up for the test. */
const TODAY = '2026-12-09';
const ADMIN: Person = { aadObjectId: 'a0a0a0a0-0000-4000-8000-00000000ad01', name: 'Ada Admin' };

const DEFS: KpiDefinition[] = [
  { code: 'c056', name: 'Stable placements', unit: '%', polarity: 'higher', target: 87, tolerance: 3, frequency: 'monthly', ownerRole: 'HoS (RB)' },
  { code: 'c162', name: 'Agency workers', unit: 'count', polarity: 'lower', target: 8, tolerance: 1, frequency: 'monthly', ownerRole: 'HoS (RB)' },
  { code: 'a2', name: 'Days to match', unit: 'days', polarity: 'lower', target: 170, tolerance: 10, frequency: 'quarterly', ownerRole: 'HoS (RB)' },
  { code: 'c999', name: 'Nobody owns this', unit: 'count', polarity: 'lower', target: 5, tolerance: 1, frequency: 'monthly' },
  { code: 'c301', name: 'Visits in time', unit: '%', polarity: 'higher', target: 90, tolerance: 5, frequency: 'monthly', ownerRole: 'HoS (RB)' },
];
const BOARD = '19:kpi-board@thread.tacv2';

const months = (from: string, n: number) =>
  Array.from({ length: n }, (_, i) => {
    const idx = Number(from.slice(0, 4)) * 12 + Number(from.slice(5, 7)) - 1 + i;
    return `${Math.floor(idx / 12)}-${String((idx % 12) + 1).padStart(2, '0')}`;
  });

async function say(h: Harness, text: string, from: Person = ROSA) {
  // A typing indicator may come first on a loaded machine (teams-ai sends one after a second).
  const sent = (await h.say(text, { from })).filter((x) => x.activity.type === 'message');
  assert.equal(sent.length, 1, `one reply to "${text}"`);
  const card = cardOf(sent[0]);
  assertValidCard(card);
  return { card, text: cardText(card) };
}

describe('recording KPI values', function () {
  this.timeout(120_000);
  let h: Harness;
  before(async () => {
    h = await startHarness({ today: TODAY, env: { ADMIN_USER_IDS: ADMIN.aadObjectId } });
    const s = h.bot.services;
    await s.directory.upsertPeople([
      { role: 'HoS (RB)', name: 'Rosa Bennett', email: 'rosa@example.org', aadObjectId: ROSA.aadObjectId, managerRole: 'DCS' },
      { role: 'DCS', name: 'Jordan Hale', email: 'jordan@example.org', aadObjectId: JORDAN.aadObjectId },
    ]);
    await s.kpis.upsertDefinitions(DEFS);
    // c056: Nov 2025 – Oct 2026, ending red (83.5 is 3.5 short of 87, beyond the 3-point band).
    const c056 = months('2025-11', 12).map((period, i) => ({ code: 'c056', period, value: i === 11 ? 83.5 : 86 + (i % 3) * 0.5 }));
    const c162 = months('2025-11', 11).map((period, i) => ({ code: 'c162', period, value: 9 + (i % 4) }));
    const a2 = ['2025-Q2', '2025-Q3', '2025-Q4', '2026-Q1', '2026-Q2'].map((period, i) => ({ code: 'a2', period, value: 190 - i * 3 }));
    const c301 = months('2026-01', 10).map((period, i) => ({ code: 'c301', period, value: i === 9 ? 80 : 88 }));
    await s.kpis.upsertValues([...c056, ...c162, ...a2, ...c301], 'fixture', '2026-11-01T09:00:00.000Z');
    // A plan whose action 1.1 cites c301, linked to a channel; 1.2 cites nothing.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kpi-plan-'));
    const file = path.join(dir, 'plan.csv');
    fs.writeFileSync(file, 'Priority,Ref,Action,Start Date,Outcome,Due Date,Lead\nVisits,1.1,Visit every child on time,Jan 2026,c301 rises to 90%,Mar 2027,HoS (RB)\n,1.2,Train the duty team,Jan 2026,All trained,Mar 2027,HoS (RB)\n');
    await importPlanFile(s, { file, planName: 'Test plan', dryRun: false });
    fs.rmSync(dir, { recursive: true, force: true });
    await h.say('link this channel to Test plan', { from: ADMIN, where: { kind: 'channel', channelId: BOARD } });
  });
  after(async () => h?.stop());

  const point = async (code: string, period: string) => (await h.bot.services.kpis.getPoint(code, period)).point;

  it('the owner records a month by text; RAG and direction are recomputed and the card says so in words', async () => {
    const { text } = await say(h, 'kpi c056 nov 2026 85.1%');
    assert.match(text, /Saved: 85\.1% for Nov 2026\. c056 is now ▲ Amber \(was ✖ Red\), improving\./);
    assert.match(text, /^Amber$/m);
    const p = await point('c056', '2026-11');
    assert.equal(p?.value, 85.1);
    assert.equal(p?.enteredByName, 'Rosa Bennett');
    assert.equal(p?.version, 1);
    // The definition row's latest value moved too, so "kpis off target" reads it in one query.
    const overview = await h.bot.services.kpis.listDefinitionsWithLatest();
    assert.equal(overview.find((d) => d.def.code === 'c056')?.latest?.value, 85.1);
  });

  it('"c162 13 for November" without the "kpi" prefix means the November just ended', async () => {
    const { text } = await say(h, 'c162 13 for November');
    assert.match(text, /Saved: 13 for Nov 2026/);
    assert.equal((await point('c162', '2026-11'))?.value, 13);
  });

  it('someone who does not own the KPI is refused, told who can record it, and nothing is written', async () => {
    const { text } = await say(h, 'kpi c162 oct 2026 7', JORDAN);
    assert.match(text, /You can't record c162\. It can be recorded by Rosa Bennett \(HoS \(RB\)\) or a plan administrator\./);
    assert.match(text, /Nothing was changed/);
    assert.equal(await point('c162', '2026-10'), undefined);
    const unowned = await say(h, 'kpi c999 nov 2026 3');
    assert.match(unowned.text, /its owner \(none is set yet: an admin can set one\)/);
  });

  it('a value in the wrong unit, out of range, or for a period that does not fit is refused, naming the word', async () => {
    const cases: [string, RegExp][] = [
      ['kpi c162 nov 2025 13%', /"13%" is a percentage, but c162 is a count/],
      ['kpi c056 oct 2026 185%', /"185%" is over 100; c056 is a percentage/],
      ['kpi c162 oct 2026 12.5', /"12\.5" is not a whole number; c162 is a count/],
      ['kpi c056 Q2 2026/27 85', /c056 is reported monthly, but "Q2 2026\/27" is a quarter/],
      ['kpi a2 nov 2026 180', /a2 is reported quarterly, but "nov 2026" is a month\. Say the quarter/],
      ['kpi c056 dec 2026 80', /Dec 2026 has not ended yet \(it ends 31 Dec 2026\)/],
      ['kpi a2 Q2 2026 180', /"Q2 2026" could be two quarters\. Did you mean Q2 2026\/27 \(Jul–Sep 2026\) or Q2 2025\/26 \(Jul–Sep 2025\)/],
      ['kpi c056 nov 2026 8x5', /I couldn't read "8x5"/],
      ['c162 13 November', /I read "13 November" as a date/],
    ];
    for (const [typed, expected] of cases) {
      const { text } = await say(h, typed);
      assert.match(text, expected, typed);
      assert.match(text, /Nothing was changed/, typed);
    }
    assert.equal((await point('c056', '2026-10'))?.value, 83.5, 'nothing was overwritten');
    assert.equal((await point('c056', '2026-12')), undefined);
  });

  it('a quarterly KPI takes a financial-year quarter', async () => {
    const { text } = await say(h, 'kpi a2 Q2 2026/27 175 days');
    assert.match(text, /Saved: 175 days for Q2 2026\/27 \(Jul–Sep 2026\)/);
    // Stored as the calendar quarter it is.
    assert.equal((await point('a2', '2026-Q3'))?.value, 175);
  });

  it('a correction without a reason is refused; with one it is saved and the old value kept in history', async () => {
    const refused = await say(h, 'kpi c056 nov 2026 86%');
    assert.match(refused.text, /Nov 2026 already has 85\.1% \(Rosa Bennett, 9 Dec 2026, \d\d:\d\d\)\. A correction needs a reason/);
    assert.match(refused.text, /Add the reason after a colon: “kpi c056 Nov 2026 86%: /);
    assert.equal((await point('c056', '2026-11'))?.value, 85.1);
    const saved = await say(h, 'kpi c056 nov 2026 86%: restated after the data team re-ran the extract');
    assert.match(saved.text, /Saved: 86% for Nov 2026 \(was 85\.1%; reason: restated after the data team re-ran the extract\)/);
    const p = await point('c056', '2026-11');
    assert.equal(p?.value, 86);
    assert.equal(p?.version, 2);
    const history = await h.bot.services.kpis.getCorrections('c056', '2026-11');
    assert.equal(history.length, 1);
    assert.deepEqual([history[0].oldValue, history[0].newValue, history[0].reason, history[0].byName], [85.1, 86, 'restated after the data team re-ran the extract', 'Rosa Bennett']);
    const series = await h.bot.services.kpis.getSeries('c056');
    assert.equal(series.filter((x) => x.period === '2026-11').length, 1, 'history rows are not series points');
  });

  it('the card: Record value opens a labelled form with the periods due; saving records once however often it is sent', async () => {
    const shown = await say(h, 'kpi c162');
    const record = (shown.card.actions as { verb?: string; data?: Record<string, unknown> }[]).find((a) => a.verb === 'openKpiRecord');
    assert.ok(record, 'a Record value button');
    const opened = await h.execute('openKpiRecord', record!.data!);
    const form = opened.body.value as { body: Record<string, unknown>[]; actions: { verb: string; data: Record<string, string> }[] };
    assertValidCard(form);
    const json = JSON.stringify(form);
    assert.match(json, /"label":"Value \(count, a whole number\)"/);
    assert.match(json, /"title":"Oct 2026 \(no value yet\)"/);
    assert.match(json, /"title":"Nov 2026 \(has 13: a correction needs a reason\)"/);
    const save = form.actions.find((a) => a.verb === 'submitKpiValue')!;
    assert.match(save.data.versions, /2026-10:0/);
    const submit = { ...save.data, period: '2026-10', value: '11', note: 'from the monthly return', source: 'HR system' };
    const first = await h.execute('submitKpiValue', submit);
    assert.match(cardText(first.body.value), /Saved: 11 for Oct 2026/);
    // The same click delivered again (Teams retries, a double click): one write.
    const again = await h.execute('submitKpiValue', submit);
    assert.match(cardText(again.body.value), /Already recorded: 11 for Oct 2026/);
    const p = await point('c162', '2026-10');
    assert.deepEqual([p?.value, p?.version, p?.note, p?.source], [11, 1, 'from the monthly return', 'HR system']);
  });

  it('two people saving the same period from the same card version: one wins, the other is told and sees the form again', async () => {
    const opened = await h.execute('openKpiRecord', { code: 'c162' });
    const save = (opened.body.value as { actions: { verb: string; data: Record<string, string> }[] }).actions.find((a) => a.verb === 'submitKpiValue')!;
    assert.match(save.data.versions, /2026-09:1/);
    const [a, b] = await Promise.all([
      h.execute('submitKpiValue', { ...save.data, period: '2026-09', value: '10', reason: 'late return added' }),
      h.execute('submitKpiValue', { ...save.data, period: '2026-09', value: '12', reason: 'recount' }, { from: ADMIN }),
    ]);
    const texts = [cardText(a.body.value), cardText(b.body.value)];
    assert.equal(texts.filter((t) => /Saved: /.test(t)).length, 1, texts.join('\n---\n'));
    const loser = texts.find((t) => !/Saved: /.test(t))!;
    assert.match(loser, /after you opened this card, so your value \((10|12)\) was not saved/);
    const p = await point('c162', '2026-09');
    assert.equal(p?.version, 2);
    assert.equal((await h.bot.services.kpis.getCorrections('c162', '2026-09')).length, 1);
  });

  it('a form with a missing value, a bad number or an unoffered period comes back with the field named', async () => {
    const base = { code: 'c162', versions: '2026-10:1,2026-09:2' };
    const missing = await h.execute('submitKpiValue', { ...base, period: '2026-10', value: '' });
    assert.match(cardText(missing.body.value), /Enter the value: it is required/);
    const bad = await h.execute('submitKpiValue', { ...base, period: '2026-10', value: 'twelve' });
    assert.match(cardText(bad.body.value), /"twelve" is not a number/);
    const forged = await h.execute('submitKpiValue', { ...base, period: '2024-01', value: '3' });
    assert.match(cardText(forged.body.value), /2024-01 is not one of the periods this card offered/);
    const stranger = await h.execute('openKpiRecord', { code: 'c162' }, { from: JORDAN });
    assert.match(cardText(stranger.body.value), /You can't record c162\. It can be recorded by Rosa Bennett/);
    assert.equal((await point('c162', '2024-01')), undefined);
  });

  it('an admin sets the owner role in chat; others may not; an unknown role is named', async () => {
    const refused = await say(h, 'kpi c999 owner HoS (RB)');
    assert.match(refused.text, /Only a plan administrator can set who owns a KPI/);
    const unknown = await say(h, 'kpi c999 owner HoS (ZZ)', ADMIN);
    assert.match(unknown.text, /No one in the directory holds "HoS \(ZZ\)"/);
    const set = await say(h, 'kpi c999 owner hos (rb)', ADMIN);
    assert.match(set.text, /Rosa Bennett \(HoS \(RB\)\) now records c999/);
    assert.equal((await h.bot.services.kpis.getDefinition('c999'))?.ownerRole, 'HoS (RB)');
    // Re-importing definitions without an owner column keeps the owner set in chat.
    await h.bot.services.kpis.upsertDefinitions([{ ...DEFS[3] }]);
    assert.equal((await h.bot.services.kpis.getDefinition('c999'))?.ownerRole, 'HoS (RB)');
  });

  it('"kpis due" lists what the asker owes, soonest first', async () => {
    const { text } = await say(h, 'kpis due');
    assert.match(text, /\*\*c999\*\* Nobody owns this: Nov 2026, due 7 Dec 2026 \(overdue\)/);
    assert.doesNotMatch(text, /c056/);
    const none = await say(h, 'kpis due', JORDAN);
    assert.match(none.text, /no KPI has one of those roles as its owner/);
  });

  it('a KPI crossing out of red, and back into it, is posted to the linked channel of the plan citing it, once each; the digest can list the moves', async () => {
    const textOf = (x: SentActivity) => cardText(x.activity.attachments?.[0]?.content ?? {});
    h.stub.clear();
    const sent = await h.say('kpi c301 nov 2026 91%');
    const reply = sent.find((x) => x.conversationId.startsWith('a:personal') && x.activity.type === 'message');
    assert.match(textOf(reply!), /c301 is now ✔ Green \(was ✖ Red\)/);
    const post = await h.stub.waitFor((x) => x.conversationId.startsWith(BOARD));
    assert.match(textOf(post), /KPI c301 is no longer Red/);
    assert.match(textOf(post), /c301 Visits in time is out of Red: ✖ Red → ✔ Green, 91% in Nov 2026 against a target of 90%/);
    assert.match(textOf(post), /Cited by action 1\.1 in Test plan/);
    // Amber to green and other moves within the non-red colours are not posted.
    await h.say('kpi c301 nov 2026 88%: late visits added');
    await h.say('kpi c301 nov 2026 80%: recount');
    const back = await h.stub.waitFor((x) => x.conversationId.startsWith(BOARD) && /is now Red/.test(textOf(x)));
    assert.match(textOf(back), /c301 Visits in time turned Red: ▲ Amber → ✖ Red, 80% in Nov 2026/);
    await new Promise((r) => setTimeout(r, 300));
    const posts = h.stub.sent().filter((x) => x.conversationId.startsWith(BOARD)).map(textOf);
    assert.equal(posts.length, 2, posts.join('\n---\n'));
    const moves = await h.bot.services.kpis.listMovesSince('2026-12-01');
    assert.deepEqual(moves.filter((m) => m.code === 'c301').map((m) => `${m.from}>${m.to}`), ['red>green', 'green>amber', 'amber>red']);
    const digest = await buildDigest(h.bot.services, { today: TODAY });
    assert.deepEqual(digest.moved.filter((m) => m.item === 'KPI c301').map((m) => `${m.from}>${m.to} ${m.direction}`), ['red>green better', 'green>amber worse', 'amber>red worse']);
  });

  type Bars = { type: string; xAxisTitle: string; yAxisTitle: string; data: { x: string; y: number; color: string }[]; fallback: { text: string } };
  const barsOf = (card: Record<string, unknown>) => (card.body as Record<string, unknown>[]).find((e) => e.type === 'Chart.HorizontalBar') as Bars;

  it('chart: a monthly KPI shows its last 13 months as bars of the distance from target, each labelled in full and coloured by its RAG', async () => {
    const { card, text } = await say(h, 'kpi c056');
    const chart = barsOf(card);
    assert.ok(chart, 'a horizontal bar chart');
    assert.equal((card.body as { type: string }[]).some((e) => e.type === 'Chart.Line'), false, 'no line chart: Teams cuts its labels to one letter');
    assert.equal(chart.data.length, 13);
    // 86% against 87% is 1 point short, within the 3-point band: amber. Oct 2026's 83.5% is red.
    assert.deepEqual(chart.data.at(-1), { x: 'Nov 2026: −1', y: 1, color: 'warning' });
    assert.deepEqual(chart.data.at(-2), { x: 'Oct 2026: −3.5', y: 3.5, color: 'attention' });
    assert.deepEqual(chart.data[0].x, 'Nov 2025: −1');
    assert.ok(chart.data.every((b) => ['good', 'warning', 'attention'].includes(b.color)), 'every bar has an explicit RAG colour');
    assert.equal(new Set(chart.data.map((b) => b.x)).size, 13, 'every label is different');
    assert.deepEqual([chart.xAxisTitle, chart.yAxisTitle], ['Distance from target (points)', 'Month']);
    assert.match(chart.fallback.text, /Nov 2026 86% \(Amber\)/);
    assert.match(text, /Distance from target \(87%\), last 13 months/);
    assert.match(text, /Each bar is how far that month was from target: green on or better than target \(\+\), amber short of it by up to 3, red short by more \(−\)\. Latest: −1\./);
    assert.match(text, /Recent values/);
  });

  it('chart: a quarterly KPI labels its bars with financial-year quarters', async () => {
    const { card } = await say(h, 'kpi a2');
    const chart = barsOf(card);
    assert.deepEqual(
      chart.data.map((b) => b.x),
      ['Q2 2025/26: −17', 'Q3 2025/26: −14', 'Q4 2025/26: −11', 'Q1 2026/27: −8', 'Q2 2026/27: −5'],
    );
    assert.equal(chart.yAxisTitle, 'Quarter (financial year)');
  });
});

describe('recording weekly, termly and annual KPIs', function () {
  this.timeout(120_000);
  let h: Harness;
  before(async () => {
    h = await startHarness({ today: TODAY });
    const s = h.bot.services;
    await s.directory.upsertPeople([{ role: 'HoS (RB)', name: 'Rosa Bennett', email: 'rosa@example.org', aadObjectId: ROSA.aadObjectId }]);
    await s.kpis.upsertDefinitions([
      { code: 'att1', name: 'Pupils in care attending 90% of sessions', unit: '%', polarity: 'higher', target: 92, tolerance: 2, frequency: 'termly', ownerRole: 'HoS (RB)' },
      { code: 'wk1', name: 'Home visits made in the week', unit: 'count', polarity: 'higher', target: 30, tolerance: 4, frequency: 'weekly', ownerRole: 'HoS (RB)' },
      { code: 'bud1', name: 'Placement spend within budget', unit: '%', polarity: 'higher', target: 100, tolerance: 3, frequency: 'annually (financial year)', ownerRole: 'HoS (RB)' },
      { code: 'cal1', name: 'Foster carers approved', unit: 'count', polarity: 'higher', target: 25, tolerance: 4, frequency: 'annually', ownerRole: 'HoS (RB)' },
      // Codes of other councils' shapes, as a KPI file names them.
      { code: 'ni 062', name: 'Children with three or more placement moves', unit: '%', polarity: 'lower', target: 10, tolerance: 1, frequency: 'annually (financial year)', ownerRole: 'HoS (RB)' },
      { code: 'pi-12', name: 'Reviews held within timescale', unit: '%', polarity: 'higher', target: 90, tolerance: 5, frequency: 'monthly', ownerRole: 'HoS (RB)' },
    ]);
    await s.kpis.upsertValues(
      [
        ...['2024-T1', '2024-T2', '2024-T3', '2025-T1', '2025-T2'].map((period, i) => ({ code: 'att1', period, value: 89 + i })),
        ...['2026-10-19', '2026-10-26', '2026-11-02'].map((period, i) => ({ code: 'wk1', period, value: 27 + i })),
        { code: 'bud1', period: 'FY2024-25', value: 97 },
      ],
      'fixture',
      '2026-11-01T09:00:00.000Z',
    );
  });
  after(async () => h?.stop());

  const point = async (code: string, period: string) => (await h.bot.services.kpis.getPoint(code, period)).point;

  it('a term, a week commencing, a financial year and a calendar year are each saved under their period', async () => {
    const cases: [string, RegExp, string, string, number][] = [
      ['kpi att1 summer term 2026 93.5%', /Saved: 93\.5% for Summer term 2025\/26 \(May–Aug 2026\)/, 'att1', '2025-T3', 93.5],
      ['wk1 31 for w/c 23 Nov', /Saved: 31 for w\/c 23 Nov 2026/, 'wk1', '2026-11-23', 31],
      ['wk1 29 week 46', /Saved: 29 for w\/c 9 Nov 2026/, 'wk1', '2026-11-09', 29],
      ['kpi bud1 2025/26 98.5%', /Saved: 98\.5% for 2025\/26 \(financial year\)/, 'bud1', 'FY2025-26', 98.5],
      ['kpi cal1 2025 27', /Saved: 27 for 2025/, 'cal1', '2025', 27],
    ];
    for (const [typed, reply, code, period, value] of cases) {
      const { text } = await say(h, typed);
      assert.match(text, reply, typed);
      assert.equal((await point(code, period))?.value, value, typed);
    }
  });

  it('a period of the wrong shape, or one not yet ended, is refused naming the words and the shape', async () => {
    const cases: [string, RegExp][] = [
      ['kpi att1 nov 2026 85', /att1 is reported termly, but "nov 2026" is a month\. Say the term and its year, for example “Autumn term 2026\/27”/],
      ['kpi att1 autumn term 2026 85', /Autumn term 2026\/27 \(Sep–Dec 2026\) has not ended yet \(it ends 31 Dec 2026\)/],
      ['kpi bud1 2026 99', /"2026" could be 2025\/26 or 2026\/27/],
      ['kpi cal1 2025/26 20', /cal1 is reported annually \(calendar year\), but "2025\/26" is a financial or academic year\. Say the calendar year/],
      ['wk1 30 for nov 2026', /wk1 is reported weekly, but "nov 2026" is a month\. Say the week as “w\/c” and its Monday, or “week” and its number/],
    ];
    for (const [typed, expected] of cases) {
      const { text } = await say(h, typed);
      assert.match(text, expected, typed);
      assert.match(text, /Nothing was changed/, typed);
    }
  });

  it('the Record value form offers the ended terms and weeks; a term saved from it is stored as its key', async () => {
    const opened = await h.execute('openKpiRecord', { code: 'att1' });
    const form = opened.body.value as { actions: { verb: string; data: Record<string, string> }[] };
    assertValidCard(form);
    const json = JSON.stringify(form);
    assert.match(json, /"title":"Summer term 2025\/26 \(May–Aug 2026\) \(has 93\.5%: a correction needs a reason\)"/);
    assert.match(json, /"title":"Spring term 2025\/26 \(Jan–Apr 2026\) \(has 93%: a correction needs a reason\)"/);
    const weeks = JSON.stringify((await h.execute('openKpiRecord', { code: 'wk1' })).body.value);
    assert.match(weeks, /"title":"w\/c 30 Nov 2026 \(no value yet\)"/);
    assert.match(weeks, /"title":"w\/c 16 Nov 2026 \(no value yet\)"/);
    const save = (await h.execute('openKpiRecord', { code: 'cal1' })).body.value as { actions: { verb: string; data: Record<string, string> }[] };
    const submit = save.actions.find((a) => a.verb === 'submitKpiValue')!;
    const saved = await h.execute('submitKpiValue', { ...submit.data, period: '2024', value: '22' });
    assert.match(cardText(saved.body.value ?? saved.body), /Saved: 22 for 2024/, JSON.stringify(saved.body).slice(0, 600));
    assert.equal((await point('cal1', '2024'))?.value, 22);
  });

  it('chart: a termly KPI shows four terms, each bar labelled with its term, and the text names each term', async () => {
    const { card } = await say(h, 'kpi att1');
    assertValidCard(card);
    const bars = (card.body as Record<string, unknown>[]).find((e) => e.type === 'Chart.HorizontalBar') as { data: { x: string; color: string }[] };
    assert.deepEqual(bars.data.map((b) => `${b.x} ${b.color}`), ['Summer 2024/25: −1 warning', 'Autumn 2025/26: on target good', 'Spring 2025/26: +1 good', 'Summer 2025/26: +1.5 good']);
    const text = cardText(card);
    assert.match(text, /Trend, oldest first: Summer term 2024\/25 \(May–Aug 2025\) 91% \(Amber\); Autumn term 2025\/26 \(Sep–Dec 2025\) 92% \(Green\); Spring term 2025\/26 \(Jan–Apr 2026\) 93% \(Green\); Summer term 2025\/26 \(May–Aug 2026\) 93\.5% \(Green\)\./);
    assert.match(text, /last 4 terms/);
  });

  it('codes with spaces and dashes: recorded, asked about and opened in any spelling; a plan citing one links to it', async () => {
    assert.match((await say(h, 'kpi NI 062 2025/26 11.5%')).text, /Saved: 11\.5% for 2025\/26 \(financial year\)/);
    assert.equal((await point('ni 062', 'FY2025-26'))?.value, 11.5);
    assert.match((await say(h, 'kpi pi-12 nov 2026 88%')).text, /Saved: 88% for Nov 2026/);
    assert.match((await say(h, 'kpi PI12 oct 2026 91%')).text, /Saved: 91% for Oct 2026/);
    assert.equal((await point('pi-12', '2026-10'))?.value, 91);
    const asked = await say(h, 'kpi ni062');
    assert.match(asked.text, /^ni 062: Children with three or more placement moves/);
    const record = (asked.card.actions as { verb?: string; data?: Record<string, unknown> }[]).find((a) => a.verb === 'openKpiRecord')!;
    assert.deepEqual(record.data, { code: 'ni 062' });
    const form = JSON.stringify((await h.execute('openKpiRecord', record.data!)).body.value);
    assert.match(form, /"title":"2025\/26 \(financial year\) \(has 11\.5%: a correction needs a reason\)"/);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kpi-codes-'));
    const file = path.join(dir, 'plan.csv');
    fs.writeFileSync(file, 'Priority,Ref,Action,Start Date,Outcome,Due Date,Lead\nStability,1.1,Fewer placement moves,Jan 2026,NI062 falls below 10% and PI 12 reaches 90%,Mar 2027,HoS (RB)\n');
    await importPlanFile(h.bot.services, { file, planName: 'Codes plan', dryRun: false });
    fs.rmSync(dir, { recursive: true, force: true });
    const action = (await h.bot.services.plans.listAllItems('codes-plan')).find((i) => i.kind === 'action' && i.ref === '1.1') as { kpiCodes: string[] } | undefined;
    assert.deepEqual(action?.kpiCodes, ['ni 062', 'pi-12']);
  });

  it('"kpis due" names the typed form of a week', async () => {
    const { text } = await say(h, 'kpis due');
    assert.match(text, /\*\*wk1\*\* Home visits made in the week: w\/c 30 Nov 2026, due/);
  });
});
