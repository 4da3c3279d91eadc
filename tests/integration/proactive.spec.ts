import assert from 'node:assert/strict';
import { startHarness, cardText, ROSA, JORDAN, type Harness } from '../support/botHarness';
import { assertValidCard } from '../support/cardValidation';
import { seedFixtures } from '../support/fixtures';
import { addDays } from '../../domain/clock';
import type { SentActivity } from '../support/connectorStub';
import { startBot } from '../../bot/start';
import { loadConfig } from '../../config/loadConfig';

const rosaChat = `a:personal-${ROSA.aadObjectId}`;
const jordanChat = `a:personal-${JORDAN.aadObjectId}`;
const textOf = (s: SentActivity) => cardText(s.activity.attachments?.[0]?.content ?? {});
/** The card replies among what was sent (a slow answer may be preceded by a typing indicator). */
const cards = (sent: SentActivity[]) => sent.filter((s) => s.activity.attachments?.length);

type Owed = { label: string; kind: string };
const KINDS: [RegExp, string][] = [
  [/^Due in the next week/, 'week-ahead'],
  [/^Due tomorrow/, 'day-before'],
  [/^Due today/, 'due-today'],
  [/^Overdue/, 'overdue'],
  [/^Time for a check-in/, 'stale'],
];
/** What a reminder message (one item, or a grouped one) says each item is owed: the heading above each "**ref** title" line. */
function owedIn(s: SentActivity): Owed[] {
  const lines = textOf(s).split('\n');
  return lines.flatMap((l, i) => {
    const m = /^\*\*(\S+)\*\* /.exec(l);
    const kind = m && KINDS.find(([re]) => re.test(lines[i - 1] ?? ''))?.[1];
    return m && kind ? [{ label: m[1], kind }] : [];
  });
}

/** Run one working day: the scheduler ticks at 09:00 London time and the worker sends what it queued. */
async function day(h: Harness, date: string, utcTime = '09:00') {
  h.clock.set(date);
  const r = await h.bot.scheduler.tick(new Date(`${date}T${utcTime}:00Z`));
  await h.bot.worker.drain();
  return r;
}

describe('proactive reminders, nudges and digests', function () {
  this.timeout(180_000);
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ today: '2021-11-15', env: { STALE_AFTER_DAYS: '30' } });
    await seedFixtures(h.bot.services, ['southend2021']);
    await h.say('hi'); // Rosa's and Jordan's personal chats with the bot
    await h.say('hi', { from: JORDAN });
    h.stub.clear();
  });
  afterEach(async () => h?.stop());

  it('reminds the owner a week ahead, the day before, on the day and weekly when overdue — once each', async () => {
    // 2.1 (HoS (RB)) is due Friday 31 Dec 2021. Rosa keeps 2.1 fresh so only reminders, not nudges, concern it.
    h.clock.set('2021-12-17');
    await h.say('update 2.1 on track: recruitment campaign live');
    const messagesPerDay: number[] = [];
    for (let d = '2021-12-20'; d <= '2022-01-12'; d = addDays(d, 1)) {
      const before = h.stub.sent({ conversationId: rosaChat }).length;
      await day(h, d);
      messagesPerDay.push(h.stub.sent({ conversationId: rosaChat }).length - before);
    }
    assert.ok(messagesPerDay.every((n) => n <= 1), `at most one reminder message a day: ${messagesPerDay.join(',')}`);
    const about21 = h.stub.sent({ conversationId: rosaChat }).filter((s) => /\*\*2\.1\*\* Carry out the Recruitment/.test(textOf(s)));
    const kinds = about21.map((s) => owedIn(s).find((o) => o.label === '2.1')?.kind);
    assert.deepEqual(kinds, ['week-ahead', 'day-before', 'due-today', 'overdue', 'overdue']);
    const when = about21.map((s) => new Date(s.at).toISOString().slice(0, 10));
    assert.equal(when.length, 5);
    for (const s of about21) assertValidCard(s.activity.attachments![0].content as object);
    // Each item carries its own Update button, whether alone or grouped.
    const update = JSON.stringify(about21[0].activity.attachments![0].content);
    assert.match(update, /"type":"Action.Execute","title":"Update[^"]*","verb":"openUpdate","data":\{"planId":"southend-2021","ref":"2.1","seq":""\}/);
  });

  it('sends nothing about completed work, and nothing at weekends or outside working hours', async () => {
    await h.execute('submitUpdate', { planId: 'southend-2021', ref: '2.5', seq: '', version: '1', status: 'complete', evidenceUrl: 'https://intranet.example/2.5' });
    h.stub.clear();
    await h.stub.waitFor((s) => /Sign-off needed: 2\.5/.test(textOf(s)), 20_000); // the sign-off request for 2.5, sent after the reply
    await h.bot.worker.drain();
    h.stub.clear();
    const planned = async (d: string, t?: string) => (({ planned, periods }) => ({ planned, periods }))(await day(h, d, t));
    assert.deepEqual(await planned('2021-12-25'), { planned: 0, periods: [] }, 'Saturday');
    assert.deepEqual(await planned('2021-12-29', '07:30'), { planned: 0, periods: [] }, '07:30 is before working hours');
    assert.deepEqual(await planned('2021-12-29', '18:30'), { planned: 0, periods: [] }, 'after working hours');
    assert.equal(h.stub.sent().length, 0);
    await day(h, '2021-12-29');
    const sent = h.stub.sent({ conversationId: rosaChat }).map(textOf);
    assert.ok(sent.some((t) => /\*\*2\.1\*\* Carry out/.test(t)), 'open 2.1 is reminded');
    assert.ok(!sent.some((t) => /\*\*2\.5\*\*/.test(t)), 'awaiting sign-off 2.5 is not');
  });

  it('respects quiet hours across the change to British Summer Time', async () => {
    // Friday 25 March 2022 07:30Z is 07:30 GMT (quiet); Monday 28 March 07:30Z is 08:30 BST (working).
    assert.equal((await day(h, '2022-03-25', '07:30')).periods.length, 0);
    assert.ok((await day(h, '2022-03-28', '07:30')).periods.includes('daily|2022-03-28'));
  });

  it('nudges owners about items nobody has updated for 30 days, and not about fresh ones', async () => {
    h.clock.set('2021-12-01');
    await h.say('update 2.2 on track: plan agreed'); // 2.2 fresh; Rosa's other items are 16 days old
    await day(h, '2021-12-10'); // 25 days after import: nothing is stale yet
    assert.equal(h.stub.sent({ conversationId: rosaChat }).filter((s) => /no update for 30\+ days/.test(textOf(s))).length, 0);
    await day(h, '2021-12-16'); // 31 days after import
    const stale = () => h.stub.sent({ conversationId: rosaChat }).flatMap(owedIn).filter((o) => o.kind === 'stale').map((o) => o.label);
    const nudged = stale();
    assert.deepEqual(nudged.sort(), ['2.1', '2.4', '2.5', '2.6', '6.2', '6.3']);
    await day(h, '2021-12-17');
    assert.equal(stale().length, 6, 'once per period');
  });

  it("sends each manager a weekly digest of their reports' work, once", async () => {
    await h.say('update 2.4 red: recruitment delayed');
    h.stub.clear();
    await day(h, '2021-11-22'); // Monday: digest day (08:00 London)
    await day(h, '2021-11-22'); // a second tick the same day changes nothing
    const digests = h.stub.sent({ conversationId: jordanChat }).filter((s) => /Weekly digest/.test(textOf(s)));
    assert.equal(digests.length, 1);
    const card = digests[0].activity.attachments![0].content as object;
    assertValidCard(card);
    const text = textOf(digests[0]);
    assert.match(text, /Weekly digest for Jordan Hale/);
    assert.match(text, /What moved this week \(1\)\n\*\*2\.4\*\* Set out plainly what is expected.*… \(Southend 2021\) — No RAG → Red, first rating\n/);
    assert.match(text, /Overdue \(\d+\)/);
    assert.match(text, /\*\*2\.4\*\* Set out plainly.*HoS \(RB\), 30 Sep 2021 \(53 days overdue\), Red/);
    assert.match(text, /KPIs off target/);
    const json = JSON.stringify(card);
    assert.match(json, /"type":"Chart.Donut"/);
    assert.match(json, /\{"legend":"Red","value":1,"color":"attention"\}/);
    const ledger = await h.bot.ledger.countByState('digest', '2021-11-22');
    assert.equal(ledger.sent, 1, 'Jordan');
    assert.ok(ledger.dropped >= 1, 'managers who never spoke to the bot are recorded as not reachable');
  });

  it('"digest preview", "reminders preview" and an admin\'s "send digest now"', async () => {
    h.clock.set('2021-12-27');
    const preview = await h.say('digest preview', { from: JORDAN });
    assert.match(textOf(cards(preview)[0]), /Weekly digest for Jordan Hale/);
    const reminders = await h.say('reminders preview');
    assert.match(textOf(cards(reminders)[0]), /30 Dec 2021: \*\*2\.1\*\*.*day before/);
    const refused = await h.say('send digest now');
    assert.match(textOf(cards(refused)[0]), /Only a plan administrator/);
  });

  it("an admin's \"send digest now\" reaches managers and the plan's linked channel, once", async () => {
    const admin = await startHarness({ today: '2021-11-17', env: { ADMIN_USER_IDS: '6f1c2a10-0020-4c1e-9a51-000000000020' } });
    try {
      await seedFixtures(admin.bot.services, ['southend2021']);
      const kit = { aadObjectId: '6f1c2a10-0020-4c1e-9a51-000000000020', name: 'Kit Moran' };
      const board = { kind: 'channel' as const, channelId: '19:board@thread.tacv2' };
      await admin.say('link this channel to Southend 2021', { where: board, from: kit });
      await admin.say('hi', { from: JORDAN });
      admin.stub.clear();
      const kitChat = `a:personal-${kit.aadObjectId}`;
      const queued = await admin.say('send digest now', { from: kit });
      // The reply comes at once; planning and sending happen after it.
      assert.match(textOf(queued.find((s) => s.conversationId === kitChat)!), /Queued \d+ digests to managers and linked channels; you’ll get a summary when they are out/);
      // A new post in the channel (POST /v3/conversations with the channel), not a reply under the linking message.
      const channel = await admin.stub.waitFor((s) => s.conversationId.startsWith('19:board@thread.tacv2;messageid='));
      assert.equal(channel.via, 'createConversation');
      const created = admin.stub.createdConversations().find((c) => (c.parameters.channelData as { channel?: { id?: string } })?.channel?.id === '19:board@thread.tacv2');
      assert.ok(created, 'the channel post started a conversation in the channel');
      assert.equal(admin.stub.calls.filter((c) => c.route === 'replyToActivity' && c.conversationId?.startsWith('19:board')).length, 0, 'the channel post is not a reply');
      const summary = await admin.stub.waitFor((s) => s.conversationId === kitChat && /Digests are out/.test(textOf(s)));
      assert.match(textOf(summary), /\d+ sent, \d+ dropped \(recipient unreachable\), 0 failed, 0 uncertain, 0 still waiting/);
      assert.match(textOf(channel), /Weekly digest: Southend 2021/);
      assert.match(textOf(channel), /Overdue \(\d+\)/);
      const jordan = admin.stub.sent({ conversationId: jordanChat }).filter((s) => /Weekly digest for Jordan Hale/.test(textOf(s)));
      assert.equal(jordan.length, 1);
      const again = await admin.say('send digest now', { from: kit });
      assert.match(textOf(again.find((s) => s.conversationId === kitChat)!), /already sent.*; nothing new was queued/);
      assert.equal(admin.stub.sent({ conversationId: jordanChat }).filter((s) => /Weekly digest/.test(textOf(s))).length, 1);
    } finally {
      await admin.stop();
    }
  });
});

describe('sign-offs that cannot go missing', function () {
  this.timeout(120_000);
  it("a sign-off request to a manager who never spoke to the bot is delivered on the manager's first message", async () => {
    const x = await startHarness({ today: '2021-11-17' });
    try {
      await seedFixtures(x.bot.services, ['southend2021']);
      await x.say('hi'); // Rosa, the owner; Jordan, her manager, has never talked to the bot
      x.stub.clear();
      await x.execute('submitUpdate', { planId: 'southend-2021', ref: '2.5', seq: '', version: '1', status: 'complete', evidenceUrl: 'https://intranet.example/2.5' });
      await x.bot.worker.drainAll();
      assert.equal(x.stub.sent({ conversationId: jordanChat }).length, 0, 'Jordan cannot be reached yet');
      const row = (await x.bot.ledger.rowsOfDay('2021-11-17')).find((r) => r.kind === 'signoff');
      assert.deepEqual([row?.state, row?.reason], ['dropped', 'recipient has no conversation with the bot']);

      await x.say('hi', { from: JORDAN });
      await x.bot.worker.drainAll();
      const asked = x.stub.sent({ conversationId: jordanChat }).filter((s) => /Sign-off needed: 2\.5/.test(textOf(s)));
      assert.equal(asked.length, 1, 'the pending sign-off arrives once');
      const card = JSON.stringify(asked[0].activity.attachments![0].content);
      assert.match(card, /"verb":"approveSignoff"/);
      assert.match(card, /"verb":"returnSignoff"/);
      assertValidCard(asked[0].activity.attachments![0].content as object);
      await x.say('what is overdue', { from: JORDAN });
      await x.bot.worker.drainAll();
      assert.equal(x.stub.sent({ conversationId: jordanChat }).filter((s) => /Sign-off needed: 2\.5/.test(textOf(s))).length, 1, 'not again on later messages');
    } finally {
      await x.stop();
    }
  });
});

describe('quiet by default', function () {
  this.timeout(180_000);
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ today: '2021-11-15', env: { STALE_AFTER_DAYS: '30' } });
    await seedFixtures(h.bot.services, ['southend2021']);
    await h.say('hi');
    h.stub.clear();
  });
  afterEach(async () => h?.stop());

  it('groups everything a person is owed into one message a day, with an Update per item, and no check-in beside an overdue reminder', async () => {
    await day(h, '2021-12-16'); // Rosa owes overdue reminders and 30-day check-ins on the same morning
    const sent = h.stub.sent({ conversationId: rosaChat });
    assert.equal(sent.length, 1, 'one message');
    const owed = owedIn(sent[0]);
    assert.ok(owed.length >= 2, `grouped: ${JSON.stringify(owed)}`);
    assert.match(textOf(sent[0]), new RegExp(`^Your plan items today \\(${owed.length}\\)`));
    const labels = owed.map((o) => o.label);
    assert.equal(new Set(labels).size, labels.length, `each item once: ${labels.join(', ')}`);
    const json = JSON.stringify(sent[0].activity.attachments![0].content);
    assert.equal(json.match(/"verb":"openUpdate"/g)?.length, owed.length, 'an Update button per item');
    assertValidCard(sent[0].activity.attachments![0].content as object);
    await day(h, '2021-12-16');
    assert.equal(h.stub.sent({ conversationId: rosaChat }).length, 1, 'a second tick the same day sends nothing');
  });

  it('"reminders off for 2 weeks" pauses them, and what is owed arrives grouped when they resume; "reminders weekly" means Mondays', async () => {
    const [paused] = cards(await h.say('reminders off for 2 weeks'));
    assert.match(textOf(paused), /No reminders until 29 Nov 2021/);
    h.stub.clear();
    await day(h, '2021-11-22');
    await day(h, '2021-11-26');
    assert.equal(h.stub.sent({ conversationId: rosaChat }).length, 0, 'nothing while paused');
    await day(h, '2021-11-29');
    assert.equal(h.stub.sent({ conversationId: rosaChat }).length, 1, 'one message when they resume');
    await h.say('reminders weekly');
    h.stub.clear();
    for (const d of ['2021-12-14', '2021-12-15', '2021-12-16']) await day(h, d);
    assert.equal(h.stub.sent({ conversationId: rosaChat }).length, 0, 'weekly: nothing mid-week');
    await day(h, '2021-12-20');
    assert.equal(h.stub.sent({ conversationId: rosaChat }).length, 1, 'weekly: Monday');
  });
});

describe('several bot instances share one store', function () {
  this.timeout(180_000);
  it('three schedulers ticking together plan once, and each reminder is delivered once', async () => {
    const a = await startHarness({ today: '2021-12-30' });
    const config = loadConfig({ PORT: '0', STORAGE_CONNECTION_STRING: a.azurite.connectionString, LOG_LEVEL: 'silent', SCHEDULER_ENABLED: 'false' });
    const others = await Promise.all([1, 2].map(() => startBot({ ...config, STORAGE_CONNECTION_STRING: a.azurite.connectionString }, { clock: a.clock })));
    try {
      await seedFixtures(a.bot.services, ['southend2021']);
      await a.say('hi');
      a.stub.clear();
      const now = new Date('2021-12-30T09:00:00Z');
      const ticks = await Promise.all([a.bot, ...others].map((b) => b.scheduler.tick(now)));
      assert.equal(ticks.filter((t) => t.periods.includes('daily|2021-12-30')).length, 1, 'exactly one instance planned the day');
      await Promise.all([a.bot, ...others].map((b) => b.worker.drain()));
      const toRosa = a.stub.sent({ conversationId: rosaChat });
      assert.equal(toRosa.length, 1, 'one grouped message, once');
      assert.ok(owedIn(toRosa[0]).some((o) => o.label === '2.1' && o.kind === 'day-before'), 'it says 2.1 is due tomorrow');
    } finally {
      await Promise.all(others.map((o) => o.stop()));
      await a.stop();
    }
  });
});
