import assert from 'node:assert/strict';
import { startHarness, cardOf, cardText, ROSA, STRANGER, type Harness } from '../support/botHarness';
import { assertValidCard } from '../support/cardValidation';
import { seedFixtures } from '../support/fixtures';
import { cardBytes } from '../../cards/render';

/** Southend 2021 on 15 Nov 2021: Sep and Oct 2021 actions are overdue, Dec 2021 ones are not. */
const TODAY = '2021-11-15';

const ask = async (h: Harness, text: string, where: 'personal' | 'channel' = 'personal', from = ROSA) => {
  const sent = await h.say(text, { from, where: where === 'channel' ? { kind: 'channel' } : { kind: 'personal' } });
  assert.equal(sent.length, 1, `one reply to "${text}"`);
  const card = cardOf(sent[0]);
  assertValidCard(card);
  return { card, text: cardText(card), sent: sent[0] };
};

for (const where of ['personal', 'channel'] as const) {
  describe(`asking the bot (${where})`, function () {
    this.timeout(90_000);
    let h: Harness;
    before(async () => {
      h = await startHarness({ today: TODAY });
      await seedFixtures(h.bot.services, ['southend2021']);
    });
    after(async () => h?.stop());

    it('"my actions" lists Rosa Bennett\'s HoS (RB) actions, soonest first', async () => {
      const { text } = await ask(h, 'my actions', where);
      assert.match(text, /Open actions and milestones for HoS \(RB\)/);
      const refs = [...text.matchAll(/\*\*(\d\.\d+)\*\*/g)].map((m) => m[1]);
      assert.deepEqual(refs, ['2.4', '6.2', '2.1', '2.5', '2.6', '6.3', '2.2']);
      assert.match(text, /30 Sep 2021 \(46 days overdue\)/);
    });

    it("someone not in the directory is told so, and who can add them", async () => {
      const { text } = await ask(h, 'my actions', where, STRANGER);
      assert.match(text, /You are not in the plan directory/);
      assert.match(text, /plan administrator/);
      assert.doesNotMatch(text, /\*\*\d/);
    });

    it('"what\'s overdue" lists the oldest first with days overdue and owner, 10 at a time', async () => {
      const { text, card } = await ask(h, "what's overdue?", where);
      assert.match(text, /showing 1–10 of 13/);
      const refs = [...text.matchAll(/\*\*(\d\.\d+)\*\*/g)].map((m) => m[1]);
      assert.deepEqual(refs.slice(0, 3), ['1.7', '2.4', '2.8']);
      assert.equal(refs.length, 10);
      assert.match(text, /46 days overdue/);
      assert.match(text, /HoS \(RB\)/);
      const more = (card.actions as { verb?: string; data?: { q: string; page: string } }[]).find((a) => a.verb === 'showMore');
      assert.ok(more, 'a Show more button');
      const page2 = await h.execute('showMore', more!.data!, { where: where === 'channel' ? { kind: 'channel' } : { kind: 'personal' } });
      assert.equal(page2.status, 200);
      const card2 = page2.body.value as object;
      assertValidCard(card2);
      const refs2 = [...cardText(card2).matchAll(/\*\*(\d\.\d+)\*\*/g)].map((m) => m[1]);
      assert.deepEqual(refs2, ['1.6', '3.8', '5.4']);
    });

    it('filters overdue by owner and by priority', async () => {
      const byOwner = await ask(h, 'overdue for HOS (RB)', where);
      assert.deepEqual([...byOwner.text.matchAll(/\*\*(\d\.\d+)\*\*/g)].map((m) => m[1]), ['2.4', '6.2']);
      const byPriority = await ask(h, 'overdue in priority 3', where);
      assert.deepEqual([...byPriority.text.matchAll(/\*\*(\d\.\d+)\*\*/g)].map((m) => m[1]), ['3.1', '3.2', '3.8']);
    });

    it('"due in 60 days" and "due next month" use the window', async () => {
      const soon = await ask(h, 'due in 60 days', where);
      assert.match(soon.text, /Due in the next 60 days/);
      const refs = [...soon.text.matchAll(/\*\*(\d\.\d+)\*\*/g)].map((m) => m[1]);
      assert.ok(refs.includes('2.1') && refs.includes('1.5'), refs.join(','));
      assert.ok(!refs.includes('2.2'), 'April 2022 is outside 60 days');
      const next = await ask(h, 'due next month', where);
      assert.match(next.text, /Due next month/);
      assert.ok(next.text.includes('31 Dec 2021'));
    });

    it('"action 2.1" shows lead, dates, outcomes, KPIs with latest values, and an Update button', async () => {
      const { text, card } = await ask(h, 'action 2.1', where);
      assert.match(text, /Action 2\.1: Carry out the Recruitment and Retention strategy/);
      assert.match(text, /HoS \(RB\) \(Rosa Bennett\)/);
      assert.match(text, /31 Dec 2021 \(due in 46 days\)/);
      assert.match(text, /Agency worker numbers down 35%/);
      assert.match(text, /Agency social workers in post: 13 \(Sep 2022\), target 8 — Red/);
      assert.ok((card.actions as { verb?: string }[]).some((a) => a.verb === 'openUpdate'));
    });

    it('an unknown ref is named, and nothing else is shown', async () => {
      const { text } = await ask(h, 'action 9.9', where);
      assert.match(text, /There is no action or milestone 9\.9 in Southend 2021/);
      assert.doesNotMatch(text, /\*\*\d/);
    });

    it('"priority 2" shows its actions with a RAG count', async () => {
      const { text } = await ask(h, 'priority 2', where);
      assert.match(text, /Priority 2: Strengthen quality assurance/);
      assert.match(text, /No RAG: 6/);
      assert.deepEqual([...text.matchAll(/\*\*(\d\.\d+)\*\*/g)].map((m) => m[1]), ['2.1', '2.2', '2.4', '2.5', '2.6', '2.8']);
    });

    it('"red actions" with none red says so plainly', async () => {
      const { text } = await ask(h, 'red actions', where);
      assert.match(text, /No open actions are rated Red/);
    });

    it('"who owns 3.2" and "who is HoS (RB)" resolve through the directory', async () => {
      assert.match((await ask(h, 'who owns 3.2', where)).text, /led by HoS \(CS\), which is Chris Shaw/);
      const who = await ask(h, 'who is HoS (RB)?', where);
      assert.match(who.text, /HoS \(RB\) is Rosa Bennett/);
      assert.match(who.text, /Reports to DCS \(Jordan Hale\)/);
    });

    it('"summary" counts actions, overdue, unowned and undated items', async () => {
      const { text, card } = await ask(h, 'summary', where);
      assert.match(text, /Southend 2021/);
      assert.match(text, /Actions\n30/);
      assert.match(text, /Overdue \(actions and milestones\)\n13/);
      // "Exec Director and DCS", "Executive Director and DCS" and "Chair of CPG"… are checked against the directory.
      assert.match(text, /Unowned actions\n2/);
      const json = JSON.stringify(card);
      assert.match(json, /"type":"Chart.Donut"/);
      assert.match(json, /"color":"neutral"/);
    });

    it('"kpi c162" shows value, target, RAG word, direction, comparators and a trend chart with a fallback', async () => {
      const { text, card } = await ask(h, 'kpi c162', where);
      assert.match(text, /c162: Agency social workers in post/);
      assert.match(text, /^Red$/m);
      assert.match(text, /13 in Sep 2022 against a target of 8 \(lower is better\); worsening/);
      const chart = JSON.stringify(card).match(/"type":"Chart.HorizontalBar".*?"fallback":\{[^}]*\}/)?.[0] ?? '';
      // Bars as long as the distance from target, labelled with the month and the signed gap, coloured by RAG.
      assert.match(chart, /\{"x":"Oct 2021: on target","y":0,"color":"good"\}/);
      assert.match(chart, /\{"x":"Sep 2022: −5","y":5,"color":"attention"\}/);
      assert.match(chart, /Trend, oldest first: Oct 2021 8 \(Green\); Nov 2021 9 \(Amber\)/);
    });

    it('a KPI with no values and an unknown KPI each get a specific answer', async () => {
      await h.bot.services.kpis.upsertDefinitions([{ code: 'new1', name: 'A brand new measure', unit: '%', polarity: 'higher', target: 50, tolerance: 5, frequency: 'monthly' }]);
      assert.match((await ask(h, 'kpi new1', where)).text, /No values have been recorded for new1 yet/);
      assert.match((await ask(h, 'kpi zz99', where)).text, /I don't have a KPI with code zz99/);
    });

    it('"kpis off target" lists red and amber KPIs', async () => {
      const { text } = await ask(h, 'kpis off target', where);
      assert.match(text, /KPIs off target: \d+ of 18/);
      assert.match(text, /\*\*c162\*\*.*Red, worsening/);
    });
  });
}

describe('card size', function () {
  this.timeout(120_000);
  it('keeps the biggest answers for the largest fixture plan under the Teams limit', async () => {
    const h = await startHarness({ today: '2017-01-15' });
    try {
      await seedFixtures(h.bot.services, ['southend2016']);
      for (const q of ["what's overdue", 'action 1.2', 'summary', 'priority 1', 'kpi c155']) {
        const sent = await h.say(q);
        const card = cardOf(sent[0]);
        assertValidCard(card);
        assert.ok(cardBytes(card) < 24 * 1024, `${q}: ${cardBytes(card)} bytes`);
      }
    } finally {
      await h.stop();
    }
  });
});

describe('more than one plan', function () {
  this.timeout(120_000);
  let h: Harness;
  before(async () => {
    h = await startHarness({ today: '2022-12-15', env: { ADMIN_USER_IDS: '6f1c2a10-0020-4c1e-9a51-000000000020' } });
    await seedFixtures(h.bot.services, ['southend2021', 'sefton2022', 'southend2016']);
  });
  after(async () => h?.stop());

  it('answers cover every plan, naming the plan on each row', async () => {
    const total = (t: string) => Number(t.match(/of (\d+)/)?.[1] ?? 0);
    const all = await ask(h, "what's overdue");
    assert.match(all.text, /· Southend 2016/, 'rows name their plan');
    const southend = await ask(h, "what's overdue in Southend 2021");
    const sefton = await ask(h, "what's overdue in Sefton 2022");
    const southend16 = await ask(h, "what's overdue in Southend 2016");
    assert.ok(total(southend.text) > 0 && total(sefton.text) > 0 && total(southend16.text) > 0);
    assert.equal(total(all.text), total(southend.text) + total(sefton.text) + total(southend16.text));
  });

  it('a question that names a plan covers only that plan', async () => {
    const { text } = await ask(h, "what's overdue in Sefton 2022?");
    const refs = [...text.matchAll(/\*\*([\d.]+[a-z]*)\*\*/g)].map((m) => m[1]);
    assert.ok(refs.length > 0);
    assert.ok(refs.every((r) => /^\d+\.\d+\.\d+/.test(r)), `only Sefton's three-part refs: ${refs.join(',')}`);
    assert.doesNotMatch(text, /Southend/);
    const southend = await ask(h, 'summary for southend-2021');
    assert.match(southend.text, /Southend 2021/);
    assert.doesNotMatch(southend.text, /Sefton/);
  });

  it('a ref two plans share is not guessed: one button per plan, and naming the plan picks one', async () => {
    const kit = { aadObjectId: '6f1c2a10-0020-4c1e-9a51-000000000020', name: 'Kit Moran' };
    const both = await ask(h, 'action 2.4', 'personal', kit);
    assert.match(both.text, /2\.4 is in 2 plans: Southend 2016, Southend 2021/);
    const asks = (both.card.actions as { verb: string; data: { q: string } }[]).map((a) => `${a.verb}:${a.data.q}`);
    assert.deepEqual(asks.sort(), ['ask:action 2.4 in Southend 2016', 'ask:action 2.4 in Southend 2021']);
    const one = await ask(h, 'history 2.4 in Southend 2021', 'personal', kit);
    assert.match(one.text, /History of 2\.4 \(Southend 2021\)/);
  });

  it('a plan named by its year ("the 2016 plan") is the plan asked about, even where the caller owns the ref in another', async () => {
    const named = await ask(h, 'action 2.4 in the 2016 plan');
    assert.match(named.text, /Southend 2016/);
    assert.doesNotMatch(named.text, /Southend 2021|is in 2 plans/);
    // A year with no "plan" beside it is a date, and narrows nothing.
    const dated = await ask(h, 'what was due in 2016');
    assert.doesNotMatch(dated.text, /Southend 2016 only/);
  });

  it('a name nobody has, said without "for", is asked back as typed, never answered for everyone', async () => {
    const r = await ask(h, 'has Gareth got anything overdue?');
    assert.match(r.text, /I don't know anyone called “Gareth”/);
    assert.doesNotMatch(r.text, /Overdue\n/);
  });

  it('"2.4 complete?" is a question about 2.4: it shows the action and changes nothing', async () => {
    const before = await h.bot.services.plans.getItemForUpdate('southend-2021', '2.4');
    const r = await ask(h, '2.4 complete?');
    assert.match(r.text, /2\.4/);
    assert.match(r.text, /Action 2\.4:/, 'the action card');
    assert.doesNotMatch(r.text, /\bSaved\b/);
    const after = await h.bot.services.plans.getItemForUpdate('southend-2021', '2.4');
    assert.equal(after?.item.version, before?.item.version, 'no write');
  });

  it("the one plan where the caller owns the ref is taken without asking, and the card names it", async () => {
    const mine = await ask(h, 'action 2.4');
    assert.match(mine.text, /Southend 2021/);
    assert.doesNotMatch(mine.text, /is in 2 plans/);
  });

  it('linking a channel to a second plan lets go of the first', async () => {
    const kit = { aadObjectId: '6f1c2a10-0020-4c1e-9a51-000000000020', name: 'Kit Moran' };
    const channel = { kind: 'channel' as const, channelId: '19:board@thread.tacv2' };
    await h.say('link this channel to Southend 2021', { where: channel, from: kit });
    await h.say('link this channel to Sefton 2022', { where: channel, from: kit });
    const linked = (await h.bot.services.plans.listPlans()).filter((p) => p.channelId === channel.channelId).map((p) => p.id);
    assert.deepEqual(linked, ['sefton-2022']);
  });
});
