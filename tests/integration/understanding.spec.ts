import assert from 'node:assert/strict';
import { startHarness, cardOf, cardText, ROSA, type Harness, type Where } from '../support/botHarness';
import { assertValidCard } from '../support/cardValidation';
import { seedFixtures } from '../support/fixtures';

/**
 * Every example from issue #11, over HTTP against all three fixture plans, asked as Rosa Bennett
 * (HoS (RB)) on Monday 15 Nov 2021: each gets the right answer or a precise question back.
 */
const TODAY = '2021-11-15';

type Card = ReturnType<typeof cardOf>;
const refsIn = (text: string) => [...text.matchAll(/\*\*([A-Za-z0-9.-]+)\*\*/g)].map((m) => m[1]);
const buttons = (card: Card) => ((card.actions ?? []) as { verb?: string; title?: string; data?: { q?: string } }[]).map((a) => ({ verb: a.verb, title: a.title, q: a.data?.q }));

describe('understanding people (issue #11 examples, over HTTP)', function () {
  this.timeout(180_000);
  let h: Harness;
  const ask = async (text: string, where: Where = { kind: 'personal' }, from = ROSA) => {
    // Only the reply in this conversation: a proactive post elsewhere may land at the same moment.
    const conversation = where.kind === 'personal' ? `a:personal-${from.aadObjectId}` : undefined;
    const sent = (await h.say(text, { from, where })).filter((s) => !conversation || s.conversationId === conversation);
    assert.equal(sent.length, 1, `one reply to "${text.slice(0, 40)}"`);
    const card = cardOf(sent[0]);
    assertValidCard(card);
    return { card, text: cardText(card) };
  };
  before(async () => {
    h = await startHarness({ today: TODAY });
    await seedFixtures(h.bot.services, ['southend2021', 'southend2016', 'sefton2022']);
  });
  after(async () => h?.stop());

  it('owners are found by full name, first name, loose role label and "me", never "nothing" for an unknown name', async () => {
    const byRole = await ask('overdue for HoS (LD)');
    const ld = refsIn(byRole.text);
    assert.ok(ld.length >= 2, byRole.text);
    for (const q of ['overdue for Leo Dunn', 'overdue for HoS (LD)\u200b', 'overdue for hos ld', 'overdue for leo']) {
      const r = await ask(q);
      assert.deepEqual(refsIn(r.text), ld, q);
      assert.doesNotMatch(r.text, /Nothing is overdue/, q);
    }
    const rb = refsIn((await ask('overdue for HoS (RB)')).text);
    assert.deepEqual(rb, ['2.4', '6.2']);
    for (const q of ['late items for Rosa Bennett', 'overdue for hos rb', "what's overdue for me", 'my overdue actions']) assert.deepEqual(refsIn((await ask(q)).text), rb, q);
    const sam = await ask('anything late for Sam');
    assert.match(sam.text, /Sam Okafor/);
    const nobody = await ask('overdue for Nobody McFake');
    assert.match(nobody.text, /I don't know anyone called “Nobody McFake”/);
    assert.doesNotMatch(nobody.text, /Nothing is overdue/);
    const typo = await ask('overdue for Leo Dnun');
    assert.deepEqual(refsIn(typo.text), ld, 'a one-letter slip in a unique name is still Leo Dunn, and the answer names him');
    assert.match(typo.text, /Leo Dunn/);
    const close = await ask('overdue for Rosa Bennet Smith');
    assert.match(close.text, /I don't know anyone called/);
    assert.ok(buttons(close.card).some((b) => b.verb === 'ask' && b.q === 'overdue for Rosa Bennett'), JSON.stringify(buttons(close.card)));
  });

  it('named windows are used, never replaced by the 14-day default', async () => {
    const jan = await ask('what is due in January');
    assert.match(jan.text, /Due in January 2022/);
    assert.ok(refsIn(jan.text).length === 0 || /Jan 2022/.test(jan.text));
    assert.match((await ask("what's due before the end of the month")).text, /Due this month/);
    assert.match((await ask('due in the next fortnight')).text, /Due in the next 14 days/);
    assert.match((await ask('due this quarter')).text, /Due this quarter \(1 Oct 2021 to 31 Dec 2021\)/);
    assert.match((await ask('due before Friday')).text, /Due before 19 Nov 2021/);
    const odd = await ask('due in smarch');
    assert.match(odd.text, /I couldn't read “in smarch” as a date or a period/);
    assert.doesNotMatch(odd.text, /Nothing is due/);
    assert.ok(buttons(odd.card).length > 0);
  });

  it('"when is 3.2 due" asks which plan (3.2 is in two), and the button answers it', async () => {
    const q = await ask('when is 3.2 due');
    assert.match(q.text, /3\.2 is in 2 plans/);
    const choices = buttons(q.card);
    assert.deepEqual(choices.map((c) => c.q).sort(), ['when is 3.2 due in Southend 2016', 'when is 3.2 due in Southend 2021']);
    const picked = await ask(choices.find((c) => c.q!.endsWith('2021'))!.q!);
    assert.match(picked.text, /3\.2 is due .*2021/);
    assert.match(picked.text, /Southend 2021/);
  });

  it('KPIs: a RAG filter, a code with "how is … doing", and words of the name', async () => {
    const red = await ask('kpis in red');
    assert.match(red.text, /KPIs rated Red: \d+ of \d+/);
    assert.doesNotMatch(red.text, /No KPI in/);
    assert.match((await ask('how is c162 doing')).text, /c162/);
    const stability = await ask('placement stability kpi');
    assert.match(stability.text, /c056/);
    assert.doesNotMatch(stability.text, /KPIs \(\d+\)/, 'not the whole list');
    assert.match((await ask('how are we doing on agency social workers')).text, /c162/);
    assert.match((await ask('second CP plans')).text, /cp2/);
  });

  it('questions that used to fall back to help or answer the wrong thing', async () => {
    assert.match((await ask('whats over due')).text, /Overdue/);
    const behind = await ask("who's behind on their actions");
    assert.match(behind.text, /Overdue by owner/);
    assert.match(behind.text, /HoS \(RB\).*Rosa Bennett/);
    assert.doesNotMatch(behind.text, /Nobody holds/);
    for (const q of ['what have I got', 'what am I responsible for']) assert.match((await ask(q)).text, /Open actions and milestones for HoS \(RB\)/, q);
    const about = await ask('tell me about 3.10');
    assert.match(about.text, /3\.10/);
    assert.match(about.text, /Southend 2021/);
    assert.match((await ask('show action 2.4')).text, /Southend 2021/);
    assert.match((await ask('can you show me 2.1 pls')).text, /Southend 2021/);
    assert.match((await ask('show priority four')).text, /Priority 4/);
    assert.match((await ask('what changed on 3.1')).text, /History of 3\.1 \(Southend 2021\)/);
    assert.match((await ask('show the change log for 2.8')).text, /History of 2\.8 \(Southend 2021\)/);
    assert.match((await ask('has 2.4 been signed off')).text, /2\.4 has not been signed off|2\.4 is awaiting sign-off|2\.4 is signed off/);
    assert.match((await ask('whats slipping')).text, /Slipping/);
    const thanks = await ask('thanks');
    assert.match(thanks.text, /You’re welcome/);
    assert.doesNotMatch(thanks.text, /You can ask me/);
    assert.match((await ask('good morning')).text, /Hello, Rosa/);
  });

  it('"did you mean" only for close text: 100 KB of "x" gets plain help, quickly', async () => {
    const started = Date.now();
    const big = await ask('x'.repeat(100_000));
    assert.ok(Date.now() - started < 5_000);
    assert.doesNotMatch(big.text, /Did you mean/);
    assert.match(big.text, /You can ask me/);
    const unrelated = await ask('the weather in Southend is lovely');
    assert.doesNotMatch(unrelated.text, /Did you mean/);
    // ("digest previe" is now answered as the digest preview: any question about the digest is.)
    const close = await ask('remindres preview');
    assert.match(close.text, /Did you mean \*\*reminders preview\*\*/);
  });

  it("README's update example works for the demo user: the one 2.4 she may update is taken", async () => {
    // The reply in Rosa's chat; a notice to her manager or a linked channel may go out too.
    const sent = (await h.say('update 2.4 amber: recruitment delayed two months')).filter((s) => s.conversationId === `a:personal-${ROSA.aadObjectId}`);
    assert.equal(sent.length, 1);
    const text = cardText(cardOf(sent[0]));
    assert.doesNotMatch(text, /more than one plan|Nothing was changed/);
    assert.match(text, /Southend 2021/);
    const item = (await h.bot.services.plans.getItemForUpdate('southend-2021', '2.4'))!.item;
    assert.equal(item.rag, 'amber');
    assert.equal(item.commentary, 'recruitment delayed two months');
  });

  it('words echoed back and user text are plain text: no live links', async () => {
    const who = await ask('who is [..](https://evil.example/x)', { kind: 'channel' });
    assert.doesNotMatch(JSON.stringify(who.card), /(?<!\\\\)\[\.\.\]\(https/);
    assert.match(who.text, /\\\[\.\.\\\]\(https:\/\/evil\.example\/x\)/);
    const saved = await h.execute('submitUpdate', { planId: 'southend-2021', ref: '6.2', seq: '', version: '1', status: 'not_on_track', rag: 'red', commentary: 'see [Click here](https://evil.example/p) for **why**' });
    assert.equal(saved.body.statusCode, 200);
    const card = await ask('action 6.2');
    assert.match(card.text, /see \\\[Click here\\\]\(https:\/\/evil\.example\/p\) for \\\*\\\*why\\\*\\\*/);
    assert.doesNotMatch(card.text, /(?<!\\)\[Click here(?<!\\)\]/);
  });

  it('in a channel the welcome greets the team, and nothing a user reads names configuration', async () => {
    const before = h.stub.sent().length;
    const res = await h.post({
      type: 'conversationUpdate',
      id: 'install-1',
      channelId: 'msteams',
      serviceUrl: h.stub.url,
      from: { id: '29:installer', name: 'Kit Moran', aadObjectId: '6f1c2a10-0020-4c1e-9a51-000000000020' },
      recipient: { id: '28:bot-id', name: 'Improvement Plan' },
      conversation: { id: '19:welcome-channel@thread.tacv2', conversationType: 'channel', isGroup: true, tenantId: '72f988bf-86f1-41af-91ab-2d7cd011db47' },
      channelData: { tenant: { id: '72f988bf-86f1-41af-91ab-2d7cd011db47' }, channel: { id: '19:welcome-channel@thread.tacv2' }, team: { id: '19:team@thread.tacv2' } },
      membersAdded: [{ id: '28:bot-id' }],
    });
    assert.ok(res.status < 300, JSON.stringify(res.body));
    const welcome = cardText(cardOf(h.stub.sent().slice(before)[0]));
    assert.match(welcome, /Welcome, everyone/);
    assert.doesNotMatch(welcome, /Kit Moran/);
    const link = await ask('link this channel to Southend 2021', { kind: 'channel' });
    assert.doesNotMatch(link.text, /ADMIN_USER_IDS/);
  });
});
