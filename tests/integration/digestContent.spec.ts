import assert from 'node:assert/strict';
import { startHarness, cardText, JORDAN, ROSA, type Harness, type Person } from '../support/botHarness';
import { assertValidCard } from '../support/cardValidation';
import { seedFixtures } from '../support/fixtures';
import type { SentActivity } from '../support/connectorStub';

/**
 * What the weekly digest says (issue #12): every item names its plan, "what moved" reads as words,
 * counts agree with "summary", a manager's digest covers their area only, items awaiting sign-off
 * are shown as waiting (with a button to open each), never as overdue, and a channel's digest does
 * not say "your". Two plans are loaded so refs repeat ("1.1" is in both) and scopes can differ.
 */
const KIT: Person = { aadObjectId: '6f1c2a10-0020-4c1e-9a51-000000000020', name: 'Kit Moran' };
const KEEPER_BOSS: Person = { aadObjectId: '6f1c2a10-0099-4c1e-9a51-000000000099', name: 'Morgan Lamp' };
const BOARD = { kind: 'channel' as const, channelId: '19:digest-board@thread.tacv2' };
const chat = (p: Person) => `a:personal-${p.aadObjectId}`;
const contentOf = (s: SentActivity) => s.activity.attachments![0].content as Record<string, unknown>;
/** The bot's card reply in this person's chat (background sends, e.g. a sign-off request, may arrive beside it). */
const replyIn = (sent: SentActivity[], p: Person) => {
  const found = sent.find((s) => s.conversationId === chat(p) && s.activity.attachments?.length && /Weekly digest|No digest/.test(cardText(contentOf(s))));
  assert.ok(found, `a digest reply in ${p.name}'s chat: ${sent.map((s) => s.conversationId).join(', ')}`);
  return found;
};
/** A section of the card text: from its heading to the next heading. */
function sectionOf(text: string, heading: string): string {
  const start = text.indexOf(`\n${heading} (`);
  assert.ok(start >= 0, `section ${heading} in:\n${text}`);
  const rest = text.slice(start + 1);
  const next = rest.slice(1).search(/\n(Awaiting( your)? sign-off|What moved this week|Overdue|Due in the next 14 days|KPIs off target|Unowned actions) \(\d+\)\n/);
  return next < 0 ? rest : rest.slice(0, next + 1);
}
const headingCount = (section: string) => Number(/^[^\n(]+\((\d+)\)/.exec(section)?.[1]);
const itemLines = (section: string) => section.split('\n').filter((l) => /^\*\*[^*]+\*\* /.test(l));

describe('weekly digest content', function () {
  this.timeout(180_000);
  let h: Harness;
  let jordan = '';
  let jordanCard: Record<string, unknown> = {};
  before(async () => {
    h = await startHarness({ today: '2021-11-15', env: { ADMIN_USER_IDS: KIT.aadObjectId } });
    await seedFixtures(h.bot.services, ['southend2021', 'sefton2022']);
    // A manager whose one report owns nothing in any plan.
    await h.bot.services.directory.upsertPeople([
      { role: 'Head of Lighthouses', name: KEEPER_BOSS.name, email: 'morgan.lamp@example.org', aadObjectId: KEEPER_BOSS.aadObjectId },
      { role: 'Lighthouse Keeper', name: 'Lee Keeper', email: 'lee.keeper@example.org', aadObjectId: '6f1c2a10-0098-4c1e-9a51-000000000098', managerRole: 'Head of Lighthouses' },
    ]);
    await h.say('link this channel to Southend 2021', { from: KIT, where: BOARD });
    // Rosa (HoS (RB), reporting to Jordan, DCS) rates 2.6 Amber, then Red, and marks 6.2 (due 30 Sep 2021) complete.
    await h.say('update 2.6 amber: agency cover', { from: ROSA });
    h.clock.set('2021-11-17');
    await h.say('update 2.6 red: two leavers', { from: ROSA });
    const done = await h.execute('submitUpdate', { planId: 'southend-2021', ref: '6.2', seq: '', version: '1', status: 'complete', evidenceUrl: 'https://intranet.example/6.2' }, { from: ROSA });
    assert.equal(done.status, 200);
    await h.bot.worker.drainAll();
    h.clock.set('2021-11-22');
    const reply = replyIn(await h.say('digest preview', { from: JORDAN }), JORDAN);
    jordanCard = contentOf(reply);
    jordan = cardText(jordanCard);
  });
  after(async () => h?.stop());

  it("names the plan on every item of a manager's digest, and the card is valid and small", () => {
    assertValidCard(jordanCard);
    assert.match(jordan, /^Weekly digest for Jordan Hale\nWeek to 22 Nov 2021\nYour reports' work in Southend 2021\./);
    for (const heading of ['Awaiting your sign-off', 'What moved this week', 'Overdue', 'Unowned actions']) {
      const lines = itemLines(sectionOf(jordan, heading));
      assert.ok(lines.length > 0, heading);
      for (const l of lines) assert.match(l, /\(Southend 2021\) — /, `${heading}: ${l}`);
    }
    assert.ok(JSON.stringify(jordanCard).length < 28_000);
  });

  it('"what moved" gives the title and the direction in words', () => {
    const moved = sectionOf(jordan, 'What moved this week');
    assert.equal(headingCount(moved), 3);
    assert.match(moved, /\n\*\*2\.6\*\* Give staff the tools and confidence to use many kinds of… \(Southend 2021\) — Amber → Red, worse\n/);
    assert.match(moved, /\n\*\*2\.6\*\* Give staff the tools .* — No RAG → Amber, first rating\n/);
    assert.match(moved, /\n\*\*6\.2\*\* Run 3 projects .* — marked complete, awaiting sign-off$/m);
  });

  it('shows an item awaiting sign-off past its date as waiting, with a button to open it, and not as overdue', async () => {
    const awaiting = sectionOf(jordan, 'Awaiting your sign-off');
    assert.equal(headingCount(awaiting), 1);
    assert.match(awaiting, /\*\*6\.2\*\* Run 3 projects designed and delivered with young people, on things they want changed\. \(Southend 2021\) — HoS \(RB\), marked complete 17 Nov 2021, waiting 5 days\n/);
    assert.doesNotMatch(awaiting, /overdue/);
    assert.doesNotMatch(sectionOf(jordan, 'Overdue'), /\*\*6\.2\*\*/);
    assert.match(sectionOf(jordan, 'Overdue'), /\*\*2\.4\*\* Set out plainly.* \(Southend 2021\) — HoS \(RB\), 30 Sep 2021 \(53 days overdue\), No RAG/);
    const json = JSON.stringify(jordanCard);
    assert.match(json, /\{"type":"Action.Execute","title":"Open 6\.2 \(Southend 2021\)","verb":"showAction","data":\{"planId":"southend-2021","ref":"6\.2"\}\}/);
    assert.equal(json.match(/"verb":"showAction"/g)?.length, 1, 'one button per item awaiting sign-off, none elsewhere');
    // The button opens the action card (the existing verb and data shape).
    const opened = await h.execute('showAction', { planId: 'southend-2021', ref: '6.2' }, { from: JORDAN });
    assert.equal(opened.status, 200);
    const card = await h.stub.waitFor((s) => s.conversationId === chat(JORDAN) && /^\*\*6\.2\*\*|6\.2/.test(cardText(contentOf(s))) && /Run 3 projects/.test(cardText(contentOf(s))) && !/Weekly digest|Sign-off needed/.test(cardText(contentOf(s))));
    assert.match(cardText(contentOf(card)), /Southend 2021/);
  });

  it("limits KPIs off target to those Jordan's reports own or cite, and unowned to the plans where they own actions, with one count", async () => {
    const kpis = sectionOf(jordan, 'KPIs off target');
    const codes = itemLines(kpis).map((l) => /^\*\*(\S+)\*\*/.exec(l)![1]).sort();
    // Cited by actions of Jordan's reports: 2.1 c162, 2.4 c155, 3.8 a2 a10, 3.10 c056 (all off target in the fixture).
    // c002 is cited only by 4.3, which Jordan (DCS) leads himself: not his reports' work.
    assert.deepEqual(codes, ['a10', 'a2', 'c056', 'c155', 'c162']);
    assert.equal(headingCount(kpis), codes.length);

    const unowned = sectionOf(jordan, 'Unowned actions');
    // Rosa's own reply: a background send (Jordan's pending sign-off, queued on his first contact) may arrive beside it.
    const summary = cardText(contentOf((await h.say('summary', { from: ROSA })).find((s) => s.conversationId === chat(ROSA) && s.activity.attachments?.length)!));
    const southendUnowned = Number(/Southend 2021[\s\S]*?Unowned actions\n(\d+)/.exec(summary)?.[1]);
    assert.ok(southendUnowned > 0, summary);
    assert.equal(headingCount(unowned), southendUnowned, 'the heading count is the summary count for the plans covered');
    assert.match(unowned, new RegExp(`\\n${southendUnowned} open actions have no owner in the directory: Southend 2021: ${southendUnowned}\\.\\n`));
    assert.equal(itemLines(unowned).length, Math.min(southendUnowned, 5));
    assert.doesNotMatch(jordan, /Sefton 2022/, "Sefton has no actions of Jordan's reports");
  });

  it('caps long sections with "and N more", and the count in the heading is the whole list', async () => {
    // Grace Adams's reports (the Assistant Directors) lead Sefton 2022, where many actions have no named lead.
    const grace = { aadObjectId: '6f1c2a10-0014-4c1e-9a51-000000000014', name: 'Grace Adams' };
    const card = contentOf(replyIn(await h.say('digest preview', { from: grace }), grace));
    assertValidCard(card);
    const text = cardText(card);
    assert.match(text, /Your reports' work in Sefton 2022\./);
    assert.doesNotMatch(text, /Southend 2021/);
    const unowned = sectionOf(text, 'Unowned actions');
    const n = headingCount(unowned);
    assert.ok(n > 5, `Sefton has more unowned actions than are shown: ${n}`);
    assert.equal(itemLines(unowned).length, 5);
    assert.match(unowned, new RegExp(`\\n${n} open actions have no owner in the directory: Sefton 2022: ${n}\\.\\n`));
    assert.match(unowned, new RegExp(`\\n…and ${n - 5} more\\. Ask “unowned” to see them all\\.$`, 'm'));
    assert.ok(JSON.stringify(card).length < 28_000, `${JSON.stringify(card).length} bytes`);
  });

  it('gives a manager whose reports own nothing a sentence instead of an empty chart', async () => {
    const card = contentOf(replyIn(await h.say('digest preview', { from: KEEPER_BOSS }), KEEPER_BOSS));
    assertValidCard(card);
    const text = cardText(card);
    assert.match(text, /None of your reports owns an action in any plan yet\./);
    assert.match(text, /No RAG mix to show: your reports own no actions\./);
    assert.doesNotMatch(JSON.stringify(card), /Chart\.Donut/);
    assert.match(text, /Unowned actions \(0\)\nEvery open action has an owner\./);
    assert.match(text, /KPIs off target \(0\)/);
  });

  it("keeps the chart's explicit RAG colours and its text equivalent", () => {
    const json = JSON.stringify(jordanCard);
    assert.match(json, /"type":"Chart.Donut"/);
    assert.match(json, /\{"legend":"Red","value":1,"color":"attention"\}/);
    assert.match(jordan, /\nRAG mix of \d+ actions: Red 1 · .*No RAG \d+\n/);
  });

  it("a channel digest covers its whole plan, says \"Awaiting sign-off\" without \"your\" and has no per-item buttons", async () => {
    h.stub.clear();
    await h.say('send digest now', { from: KIT });
    const post = await h.stub.waitFor((s) => s.conversationId.startsWith(`${BOARD.channelId};messageid=`) && /Weekly digest: Southend 2021/.test(cardText(contentOf(s))), 30_000);
    const card = contentOf(post);
    assertValidCard(card);
    const text = cardText(card);
    assert.doesNotMatch(text, /\byour\b/i);
    const awaiting = sectionOf(text, 'Awaiting sign-off');
    assert.match(awaiting, /\*\*6\.2\*\* .* \(Southend 2021\) — HoS \(RB\), marked complete 17 Nov 2021, waiting 5 days/);
    assert.doesNotMatch(sectionOf(text, 'Overdue'), /\*\*6\.2\*\*/);
    assert.doesNotMatch(JSON.stringify(card), /"verb":"showAction"/);
    // Whole plan: KPIs of every owner, c002 included; unowned as "summary" counts Southend 2021.
    assert.match(sectionOf(text, 'KPIs off target'), /\*\*c002\*\*/);
    assert.equal(headingCount(sectionOf(text, 'Unowned actions')), headingCount(sectionOf(jordan, 'Unowned actions')));
    assert.ok(JSON.stringify(card).length < 28_000);
  });
});
