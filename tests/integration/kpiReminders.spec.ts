import assert from 'node:assert/strict';
import { startHarness, cardText, ROSA, type Harness } from '../support/botHarness';
import { assertValidCard } from '../support/cardValidation';
import type { SentActivity } from '../support/connectorStub';
import { startBot, type RunningBot } from '../../bot/start';
import { loadConfig } from '../../config/loadConfig';

const rosaChat = `a:personal-${ROSA.aadObjectId}`;
const textOf = (s: SentActivity) => cardText(s.activity.attachments?.[0]?.content ?? {});

/**
 * Reminders to record a KPI value, through the same scheduler, ledger and outbox as milestone
 * reminders. November 2026 ends on Monday 30 Nov; with five working days its value is due Monday 7 Dec.
 */
describe('reminders to record KPI values', function () {
  this.timeout(180_000);
  let h: Harness;
  let others: RunningBot[] = [];
  before(async () => {
    h = await startHarness({ today: '2026-12-04' });
    const config = loadConfig({ PORT: '0', STORAGE_CONNECTION_STRING: h.azurite.connectionString, LOG_LEVEL: 'silent', SCHEDULER_ENABLED: 'false' });
    others = await Promise.all([1, 2].map(() => startBot({ ...config, STORAGE_CONNECTION_STRING: h.azurite.connectionString }, { clock: h.clock })));
    const s = h.bot.services;
    await s.directory.upsertPeople([{ role: 'HoS (RB)', name: 'Rosa Bennett', email: 'rosa@example.org', aadObjectId: ROSA.aadObjectId }]);
    await s.kpis.upsertDefinitions([
      { code: 'c056', name: 'Stable placements', unit: '%', polarity: 'higher', target: 87, tolerance: 3, frequency: 'monthly', ownerRole: 'HoS (RB)' },
      { code: 'c777', name: 'Nobody records this', unit: 'count', polarity: 'lower', target: 5, tolerance: 1, frequency: 'monthly' },
    ]);
    await s.kpis.upsertValues([{ code: 'c056', period: '2026-10', value: 86 }, { code: 'c777', period: '2026-10', value: 4 }], 'fixture', '2026-11-02T09:00:00.000Z');
    await h.say('hi'); // Rosa's personal chat with the bot
  });
  after(async () => {
    await Promise.all(others.map((o) => o.stop()));
    await h?.stop();
  });

  const bots = () => [h.bot, ...others];
  async function dayOnAll(date: string, utcTime = '09:00') {
    h.clock.set(date);
    const ticks = await Promise.all(bots().map((b) => b.scheduler.tick(new Date(`${date}T${utcTime}:00Z`))));
    await Promise.all(bots().map((b) => b.worker.drain()));
    return ticks;
  }
  const aboutC056 = () => h.stub.sent({ conversationId: rosaChat }).filter((s) => /^c056: Nov 2026 value/.test(textOf(s)));

  it('nothing before the period closes, and nothing outside working hours', async () => {
    h.stub.clear();
    await dayOnAll('2026-12-04');
    assert.equal(aboutC056().length, 0, 'Friday 4 Dec is before the due date');
    await dayOnAll('2026-12-07', '06:30');
    assert.equal(aboutC056().length, 0, 'before working hours');
  });

  it('three instances on the due day: one plans it, the owner gets one card with the value field, once', async () => {
    const ticks = await dayOnAll('2026-12-07');
    assert.equal(ticks.filter((t) => t.periods.includes('daily|2026-12-07')).length, 1, 'exactly one instance planned the day');
    await dayOnAll('2026-12-07', '14:00'); // later ticks the same day plan nothing new
    await dayOnAll('2026-12-08');
    const sent = aboutC056();
    assert.equal(sent.length, 1, sent.map(textOf).join('\n---\n'));
    const card = sent[0].activity.attachments![0].content as { body: { type: string; id?: string; label?: string }[]; actions: { verb: string; data: Record<string, string> }[] };
    assertValidCard(card);
    assert.match(textOf(sent[0]), /c056: Nov 2026 value due/);
    assert.match(textOf(sent[0]), /due by 7 Dec 2026/);
    assert.ok(card.body.some((e) => e.type === 'Input.Text' && e.id === 'value' && /Value \(%, 0 to 100\)/.test(e.label ?? '')), 'the value field is on the card');
    assert.deepEqual(card.actions[0].data, { code: 'c056', period: '2026-11', versions: '2026-11:0' });
    assert.equal(h.stub.sent().filter((s) => /c777/.test(textOf(s))).length, 0, 'a KPI without an owner reminds nobody');
  });

  it('still missing five days after the due date: one nudge; recorded from the card: nothing more', async () => {
    await dayOnAll('2026-12-12'); // Saturday: no ticks
    assert.equal(aboutC056().length, 1);
    await dayOnAll('2026-12-14');
    await dayOnAll('2026-12-15');
    const nudges = aboutC056().filter((s) => /still missing/.test(textOf(s)));
    assert.equal(nudges.length, 1);
    const card = nudges[0].activity.attachments![0].content as { actions: { verb: string; data: Record<string, string> }[] };
    const saved = await h.execute('submitKpiValue', { ...card.actions[0].data, value: '86.5' });
    assert.match(cardText(saved.body.value), /Saved: 86\.5% for Nov 2026/);
    await dayOnAll('2026-12-16');
    assert.equal(aboutC056().length, 2, 'one reminder and one nudge in all');
  });
});

/** KPI_REMINDER_WORKING_DAYS=3 and KPI_NUDGE_DAYS=2 move the reminder to Thursday 3 Dec and the nudge to the next working day after 5 Dec. */
describe('reminders to record KPI values follow KPI_REMINDER_WORKING_DAYS and KPI_NUDGE_DAYS', function () {
  this.timeout(120_000);
  let h: Harness;
  before(async () => {
    h = await startHarness({ today: '2026-12-02', env: { KPI_REMINDER_WORKING_DAYS: '3', KPI_NUDGE_DAYS: '2' } });
    const s = h.bot.services;
    await s.directory.upsertPeople([{ role: 'HoS (RB)', name: 'Rosa Bennett', email: 'rosa@example.org', aadObjectId: ROSA.aadObjectId }]);
    await s.kpis.upsertDefinitions([{ code: 'c056', name: 'Stable placements', unit: '%', polarity: 'higher', target: 87, tolerance: 3, frequency: 'monthly', ownerRole: 'HoS (RB)' }]);
    await s.kpis.upsertValues([{ code: 'c056', period: '2026-10', value: 86 }], 'fixture', '2026-11-02T09:00:00.000Z');
    await h.say('hi');
  });
  after(async () => h?.stop());

  async function day(date: string) {
    h.clock.set(date);
    await h.bot.scheduler.tick(new Date(`${date}T09:00:00Z`));
    await h.bot.worker.drain();
  }
  const aboutC056 = () => h.stub.sent({ conversationId: rosaChat }).filter((s) => /^c056: Nov 2026 value/.test(textOf(s)));

  it('nothing on the second working day of December; the reminder on the third, saying 3 Dec', async () => {
    h.stub.clear();
    await day('2026-12-02');
    assert.equal(aboutC056().length, 0, 'Wednesday 2 Dec is before the due date with three working days');
    await day('2026-12-03');
    const sent = aboutC056();
    assert.equal(sent.length, 1, sent.map(textOf).join('\n---\n'));
    assert.match(textOf(sent[0]), /c056: Nov 2026 value due/);
    assert.match(textOf(sent[0]), /due by 3 Dec 2026/);
  });

  it('the nudge comes two days after the due date (Saturday 5 Dec, so Monday 7 Dec), once', async () => {
    await day('2026-12-04');
    assert.equal(aboutC056().filter((s) => /still missing/.test(textOf(s))).length, 0, 'one day after: no nudge yet');
    await day('2026-12-07');
    // With the default five days it would not come until 8 Dec.
    assert.equal(aboutC056().filter((s) => /still missing/.test(textOf(s))).length, 1, 'nudged on Monday 7 Dec');
    await day('2026-12-08');
    const nudges = aboutC056().filter((s) => /still missing/.test(textOf(s)));
    assert.equal(nudges.length, 1);
    assert.match(textOf(nudges[0]), /3 Dec 2026/);
  });

  it('"kpis due" gives the same due date', async () => {
    const sent = await h.say('kpis due');
    assert.match(cardText(sent[0].activity.attachments?.[0]?.content ?? {}), /3 Dec 2026/);
  });
});

/**
 * A termly KPI is due when its term closes: the Summer term 2025/26 (May–Aug 2026) ends on Monday
 * 31 August 2026, so with five working days its value is due Monday 7 September; a weekly one's week of
 * Monday 24 August ends on Sunday 30 August and is due Friday 4 September.
 */
describe('reminders to record termly and weekly KPI values', function () {
  this.timeout(120_000);
  let h: Harness;
  before(async () => {
    h = await startHarness({ today: '2026-09-03' });
    const s = h.bot.services;
    await s.directory.upsertPeople([{ role: 'HoS (RB)', name: 'Rosa Bennett', email: 'rosa@example.org', aadObjectId: ROSA.aadObjectId }]);
    await s.kpis.upsertDefinitions([
      { code: 'att1', name: 'Pupils in care attending 90% of sessions', unit: '%', polarity: 'higher', target: 92, tolerance: 2, frequency: 'termly', ownerRole: 'HoS (RB)' },
      { code: 'wk1', name: 'Home visits made in the week', unit: 'count', polarity: 'higher', target: 30, tolerance: 4, frequency: 'weekly', ownerRole: 'HoS (RB)' },
    ]);
    await s.kpis.upsertValues([{ code: 'att1', period: '2025-T2', value: 91 }, { code: 'wk1', period: '2026-08-17', value: 28 }], 'fixture', '2026-08-25T09:00:00.000Z');
    await h.say('hi');
  });
  after(async () => h?.stop());

  async function day(date: string) {
    h.clock.set(date);
    await h.bot.scheduler.tick(new Date(`${date}T09:00:00Z`));
    await h.bot.worker.drain();
  }
  const about = (code: string) => h.stub.sent({ conversationId: rosaChat }).filter((s) => textOf(s).startsWith(`${code}: `));

  it('the week is due first, the term when it closes; each card says how to type the period', async () => {
    h.stub.clear();
    await day('2026-09-03');
    assert.equal(about('wk1').length + about('att1').length, 0, 'Thursday 3 Sep: nothing due yet');
    await day('2026-09-04');
    assert.equal(about('wk1').length, 1);
    assert.match(textOf(about('wk1')[0]), /wk1: w\/c 24 Aug 2026 value due/);
    assert.match(textOf(about('wk1')[0]), /You can also type “kpi wk1 w\/c 24 Aug 2026 <value>”/);
    assert.equal(about('att1').length, 0, 'the term is not due until Monday');
    await day('2026-09-07');
    const term = about('att1');
    assert.equal(term.length, 1, term.map(textOf).join('\n---\n'));
    assert.match(textOf(term[0]), /att1: Summer term 2025\/26 \(May–Aug 2026\) value due/);
    assert.match(textOf(term[0]), /due by 7 Sep 2026/);
    assert.match(textOf(term[0]), /You can also type “kpi att1 Summer term 2025\/26 <value>”/);
    const card = term[0].activity.attachments![0].content as { actions: { verb: string; data: Record<string, string> }[] };
    assertValidCard(card);
    assert.deepEqual(card.actions[0].data, { code: 'att1', period: '2025-T3', versions: '2025-T3:0' });
    const saved = await h.execute('submitKpiValue', { ...card.actions[0].data, value: '93' });
    assert.match(cardText(saved.body.value), /Saved: 93% for Summer term 2025\/26/);
    await day('2026-09-14');
    assert.equal(about('att1').length, 1, 'recorded: no nudge');
  });
});
