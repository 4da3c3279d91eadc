import assert from 'node:assert/strict';
import { startHarness, cardOf, cardText, ROSA, JORDAN, type Harness } from '../support/botHarness';
import { assertValidCard } from '../support/cardValidation';
import { seedDemo, DEMO_PLANS, DEMO_STEPS } from '../../scripts/seed-demo';
import { addDays, endOfWeekOf } from '../../domain/clock';
import { dueSoon, overdue, summary } from '../../services/planQueries';
import { buildDigest } from '../../services/digest';
import { kpiOverview } from '../../services/kpiQueries';
import { helpCard } from '../../bot/views/helpView';

/**
 * The demo `npm run dev` loads must show the product on any day: seeded on a weekday, a Sunday, a
 * summer (BST) day, a month end and a day years ahead, each property the brief names is checked on
 * content. On two of the days every example in README's "What you can ask" and in the help card is
 * asked as Rosa Bennett, the Playground's demo user, and must be answered, correctly, for her.
 */
const DAYS = [
  { today: '2026-12-02', what: 'a Wednesday in winter (GMT)', examples: true },
  { today: '2026-12-06', what: 'a Sunday (the week ends today)', examples: false },
  { today: '2027-07-15', what: 'a Thursday in summer time (BST)', examples: true },
  { today: '2027-10-31', what: 'the Sunday summer time ends, and a month end', examples: false },
  { today: '2031-02-28', what: 'years ahead, the last day of February', examples: false },
];

const ROSA_ADMIN = { ADMIN_USER_IDS: ROSA.aadObjectId };

/** What the bot said, less the typing indicator it sends first when a reply is slow (a loaded machine). */
async function say(h: Harness, text: string, opts: Parameters<Harness['say']>[1]) {
  // Replies only: a proactive message (a pending sign-off sent after Rosa's first message) may land meanwhile.
  return (await h.say(text, opts)).filter((a) => a.activity.type !== 'typing' && a.via === 'replyToActivity');
}

async function ask(h: Harness, text: string, where: 'personal' | 'channel' = 'personal') {
  const sent = await say(h, text, { from: ROSA, where: where === 'channel' ? { kind: 'channel', channelId: '19:demo-channel@thread.tacv2' } : { kind: 'personal' } });
  assert.equal(sent.length, 1, `one reply to "${text}"`);
  const card = cardOf(sent[0]);
  assertValidCard(card);
  return cardText(card);
}

const refsIn = (text: string) => [...text.matchAll(/\*\*([\w.-]+)\*\*/g)].map((m) => m[1]);

for (const day of DAYS) {
  describe(`the demo seeded on ${day.today}, ${day.what}`, function () {
    this.timeout(180_000);
    let h: Harness;
    const today = day.today;
    before(async () => {
      h = await startHarness({ today, env: ROSA_ADMIN });
      const seeded = await seedDemo(h.bot.services);
      assert.equal(seeded.loaded, true);
    });
    after(async () => h?.stop());

    it('loads the three plans, the people and the KPIs, and does nothing when run again', async () => {
      const s = h.bot.services;
      assert.deepEqual((await s.plans.listPlans()).map((p) => p.name).sort(), DEMO_PLANS.map((p) => p.name).sort());
      assert.equal((await s.directory.listAll()).length, 23);
      assert.equal((await kpiOverview(s)).length, 17);
      assert.equal((await seedDemo(s)).loaded, false, 'a restart keeps what people changed');
    });

    it('has work due this week (even on a Sunday), in the next 14 days, and overdue', async () => {
      const s = h.bot.services;
      const week = await dueSoon(s, {}, { kind: 'thisWeek' });
      assert.ok(week.items.length >= 3, `due this week: ${week.items.map((i) => i.ref).join(', ')}`);
      for (const i of week.items) assert.ok(i.due.kind === 'date' && i.due.date >= today && i.due.date <= endOfWeekOf(today), `${i.ref} is due this week`);
      assert.ok(week.items.some((i) => i.ref === '2.1' && i.planName === 'Southend 2021 priorities'), "Rosa's 2.1 is due this week");
      const fortnight = await dueSoon(s, {}, { kind: 'days', days: 14 });
      for (const ref of ['2.4', '2.8', '1.2.1c']) assert.ok(fortnight.items.some((i) => i.ref === ref), `${ref} due in the next 14 days`);
      assert.ok(fortnight.items.some((i) => i.due.kind === 'date' && i.due.date > endOfWeekOf(today)), 'something due after this week too');
      const late = await overdue(s, {});
      for (const i of late) assert.ok(i.due.kind === 'date' && i.due.date < today);
      assert.ok(late.some((i) => i.ref === '2.6' && i.due.kind === 'date' && i.due.date === addDays(today, -9)), "Rosa's 2.6 is 9 days overdue");
      assert.ok(new Set(late.map((i) => i.planName)).size === 3, 'every plan has overdue work');
    });

    it('has red, amber, green and complete actions on every plan', async () => {
      const plans = await summary(h.bot.services, {});
      assert.equal(plans.length, 3);
      for (const p of plans) {
        for (const rag of ['red', 'amber', 'green', 'blue'] as const) assert.ok(p.rag[rag] > 0, `${p.planName} has ${rag}: ${JSON.stringify(p.rag)}`);
      }
    });

    it("gives Jordan Hale (Rosa's manager) a digest with 2.5 awaiting sign-off and the week's movement", async () => {
      const s = h.bot.services;
      const jordan = (await s.directory.listAll()).find((p) => p.name === JORDAN.name)!;
      const digest = await buildDigest(s, { manager: jordan, today });
      assert.deepEqual(digest.awaitingSignOff.map((i) => `${i.planName} ${i.ref}`), ['Southend 2021 priorities 2.5']);
      const moved = digest.moved.map((m) => `${m.item} ${m.change}${m.to ? ` ${m.to}` : ''}`);
      for (const m of ['2.6 RAG red', '2.2 RAG amber', '6.2 signed off', '2.5 marked complete', '12.4 RAG red']) assert.ok(moved.includes(m), `moved includes ${m}: ${moved.join('; ')}`);
      assert.ok(digest.overdue.length > 0 && digest.dueSoon.length > 0);
      // Every change is stamped within the digest's week, the newest yesterday.
      const history = await s.plans.listHistorySince('southend-2021-priorities', `${addDays(today, -7)}T00:00:00Z`);
      assert.equal(history.length, DEMO_STEPS.filter((x) => x.plan === 'Southend 2021 priorities').length);
      for (const e of history) assert.ok(e.at < `${today}T00:00:00Z` && e.at >= `${addDays(today, -7)}T00:00:00Z`, e.at);
    });

    it('has KPIs on and off target, with values up to last month', async () => {
      const kpis = await kpiOverview(h.bot.services);
      const lastMonth = addDays(`${today.slice(0, 7)}-01`, -1).slice(0, 7);
      assert.ok(kpis.filter((k) => k.rag === 'green').length >= 2, 'some on target');
      assert.ok(kpis.filter((k) => k.rag === 'red').length >= 2 && kpis.some((k) => k.rag === 'amber'), 'some off target');
      for (const k of kpis.filter((x) => x.def.frequency === 'monthly')) assert.equal(k.latest?.period, lastMonth, k.def.code);
    });

    if (!day.examples) return;

    // Each example from README's table and the help card, with what a correct answer for Rosa says.
    const EXAMPLES: [string, RegExp[], ((t: string) => void)?][] = [
      ['my actions', [/My actions/, /\*\*2\.1\*\*/, /\*\*12\.4\.\d\*\*/], (t) => assert.ok(refsIn(t).length >= 8)],
      ['my stuff', [/\*\*2\.4\*\*/]],
      ['what do I own', [/\*\*2\.6\*\*/]],
      ["what's overdue", [/What's overdue|Overdue/, /\d+ days overdue/, /showing 1–10 of \d+/]],
      ['overdue for HoS (RB)', [/Overdue for HoS \(RB\)/, /\*\*2\.6\*\* /, /9 days overdue/]],
      ['overdue in priority 2', [/Overdue in priority 2/, /\*\*2\.6\*\*/]],
      ['due this week', [/\*\*2\.1\*\*/]],
      ['due in 14 days', [/Due in the next 14 days/, /\*\*2\.4\*\*/, /\*\*2\.8\*\*/]],
      ['due next month', [/Due next month/], (t) => assert.ok(refsIn(t).length > 0)],
      ['action 2.4', [/Southend 2021 priorities/, /Action 2\.4:/, /HoS \(RB\) \(Rosa Bennett\)/, /Update/]],
      ['2.4', [/Action 2\.4:/]],
      ['show 1.3.6', [/Sefton 2022 phase 1/, /Action 1\.3\.6:/]],
      ['milestone 12.4.3', [/12\.4/, /HoS \(RB\)/]],
      ['priority 3', [/Priority 3:/], (t) => assert.ok(refsIn(t).length > 0)],
      ['theme 1.3', [/Priority 1\.3:/, /\*\*1\.3\.\d/]],
      ['red actions', [/Red actions/, /\*\*2\.6\*\*/]],
      ["what's amber in priority 2", [/Amber actions in priority 2/, /\*\*2\.2\*\*/]],
      ["what’s amber in priority 2", [/\*\*2\.2\*\*/]],
      ['who owns 3.2', [/3\.2 is led by HoS \(CS\), which is Chris Shaw/]],
      ['who is HoS (RB)', [/HoS \(RB\) is Rosa Bennett/, /Reports to DCS \(Jordan Hale\)/]],
      ['summary', [/Southend 2021 priorities/, /Southend 2016 Ofsted plan/, /Sefton 2022 phase 1/, /Red: \d+ · Amber: \d+ · Green: \d+ · Complete: \d+/]],
      ['unowned', [/Unowned actions/], (t) => assert.ok(refsIn(t).length > 0)],
      ['kpi c056', [/c056: Children in care with fewer than 3 placements/, /target of 87%/]],
      ['kpis off target', [/KPIs off target: \d+ of 17/]],
      ['kpi list', [/KPIs \(17\)/]],
      ['what have I got', [/My actions/, /\*\*2\.6\*\*/]],
      ['what am I responsible for', [/My actions/, /\*\*2\.1\*\*/]],
      ['overdue for Leo Dunn', [/Overdue for Leo Dunn/], (t) => assert.ok(refsIn(t).length > 0)],
      ['overdue for hos rb', [/Overdue for HoS \(RB\)/, /\*\*2\.6\*\*/]],
      ['my overdue actions', [/Overdue for you/, /\*\*2\.6\*\*/]],
      ["who's behind", [/Overdue by owner/, /HoS \(RB\)\*\* \(Rosa Bennett\): \d+ overdue/]],
      ["what's slipping", [/Slipping/, /\*\*2\.6\*\*/]],
      ['due in January', [/Due in January \d{4}/], (t) => assert.ok(refsIn(t).length > 0)],
      ['due before the end of the month', [/Due this month/], (t) => assert.ok(refsIn(t).length > 0)],
      ['due next fortnight', [/Due in the next 14 days/, /\*\*2\.4\*\*/]],
      ['due this quarter', [/Due this quarter/], (t) => assert.ok(refsIn(t).length > 0)],
      ['due by 31/1', [/Due by 31 Jan \d{4}/], (t) => assert.ok(refsIn(t).length > 0)],
      ['tell me about 3.10', [/Action 3\.10:/, /Southend 2021 priorities/]],
      ['1.3.6', [/Action 1\.3\.6:/]],
      ['when is 3.2 due', [/3\.2 is due \d{1,2} \w{3} \d{4}/, /days overdue/]],
      ['has 2.4 been signed off', [/No: 2\.4 has not been signed off/]],
      ['show priority four', [/Priority 4:/], (t) => assert.ok(refsIn(t).length > 0)],
      ['my amber actions', [/Amber actions for you/, /\*\*2\.2\*\*/]],
      ['who is Leo Dunn', [/HoS \(LD\) is Leo Dunn/]],
      ['sign-offs', [/Awaiting sign-off/, /\*\*2\.5\*\*/, /\*\*2\.1\.1l\*\*/]],
      ['awaiting my sign-off', [/Awaiting your sign-off/, /\*\*2\.1\.1l\*\*/]],
      ['how is c162 doing', [/c162: Agency social workers in post/, /target of 8/]],
      ['placement stability kpi', [/c056: Children in care with fewer than 3 placements/]],
      ['kpis in red', [/KPIs rated Red: \d+ of 17/, /\*\*c162\*\*/]],
      ['what changed on 2.4', [/History of 2\.4/, /Guidance drafted/]],
      // A fixed date in README: taken as a revised date while it is ahead, refused plainly once it has passed.
      ['update 2.4 due 31 Jan 2027: recruitment re-run', [/31 Jan 2027|31\/01\/2027/]],
      ['history 2.4', [/History of 2\.4 \(Southend 2021 priorities\)/, /Rosa Bennett/, /Guidance drafted/]],
      ['update 2.4 amber: recruitment delayed two months', [/Action 2\.4:/, /Amber/, /recruitment delayed two months/]],
      ['2.4 complete https://intranet.example.org/evidence/2-4', [/waits for sign-off/]],
      ['milestone 12.4.3 done https://intranet.example.org/evidence/12-4-3', [/waits for sign-off/, /milestone 12\.4\.3/]],
    ];

    for (const [q, patterns, extra] of EXAMPLES) {
      it(`answers "${q}" for Rosa`, async () => {
        const text = await ask(h, q);
        for (const p of patterns) assert.match(text, p, `"${q}" answered:\n${text.slice(0, 1500)}`);
        assert.doesNotMatch(text, /You can ask me|couldn't find|more than one plan|not in the plan directory/, `"${q}" was not understood or not resolved:\n${text.slice(0, 800)}`);
        extra?.(text);
      });
    }

    it('shows Jordan Hale, her manager, a digest preview with 2.5 waiting for his sign-off', async () => {
      const sent = await say(h, 'digest preview', { from: JORDAN });
      const text = cardText(cardOf(sent[0]));
      assert.match(text, /Weekly digest for Jordan Hale/);
      // 2.5 from the seed, and on the days the examples run, 2.4 and 12.4.3 that they marked complete.
      const waiting = text.slice(text.indexOf('Awaiting your sign-off'), text.indexOf('What moved this week'));
      assert.deepEqual(refsIn(waiting).sort(), day.examples ? ['12.4.3', '2.4', '2.5'] : ['2.5']);
      assert.match(text, /What moved this week \(\d+\)/);
      assert.doesNotMatch(text, /What moved this week \(0\)/);
    });

    it('tells someone who is not an admin who can link a channel, without naming any setting', async () => {
      const sent = await say(h, 'link this channel to Southend 2021 priorities', { from: JORDAN, where: { kind: 'channel', channelId: '19:other@thread.tacv2' } });
      const text = cardText(cardOf(sent[0]));
      assert.match(text, /Only a plan administrator can link channels/);
      assert.doesNotMatch(text, /[A-Z]{3,}_[A-Z_]+/, 'no configuration names in what the bot says');
    });

    it('answers "link this channel to <plan>" for Rosa as an admin, in a channel', async () => {
      const text = await ask(h, 'link this channel to Southend 2021 priorities', 'channel');
      assert.match(text, /Southend 2021 priorities/);
      assert.doesNotMatch(text, /only .*admin|You can ask me/i);
    });

    it('covers every example the help card offers', () => {
      const shown = cardText(helpCard());
      const offered = [...shown.matchAll(/“([^”]+)”/g)].map((m) => m[1].replace('https://…', '').trim());
      assert.ok(offered.length >= 15, `the help card's examples: ${offered.join(' | ')}`);
      const asked = EXAMPLES.map(([q]) => q);
      for (const o of offered) {
        const covered = asked.some((q) => q === o || q.startsWith(o) || q.replace(/’/g, "'") === o.replace(/’/g, "'"));
        assert.ok(covered, `help card example "${o}" is asked above`);
      }
    });
  });
}
