import assert from 'node:assert/strict';
import { startHarness, cardOf, cardText, ROSA, JORDAN, type Harness, type Person } from '../support/botHarness';
import { assertValidCard } from '../support/cardValidation';
import { seedFixtures } from '../support/fixtures';
import type { SentActivity } from '../support/connectorStub';

/** Rosa (HoS (RB)) reports to Jordan (DCS), who reports to Priya (Executive Director). */
const PRIYA: Person = { aadObjectId: '6f1c2a10-0002-4c1e-9a51-000000000002', name: 'Priya Raman' };
const KIT_ADMIN: Person = { aadObjectId: '6f1c2a10-0020-4c1e-9a51-000000000020', name: 'Kit Moran' };
const PLAN = 'southend-2021';
const chat = (p: Person) => `a:personal-${p.aadObjectId}`;
const textOf = (s: SentActivity) => cardText(s.activity.attachments?.[0]?.content ?? {});

type Action = { verb?: string; title?: string; data?: Record<string, string> };
/** Every Action.Execute in a card, wherever it sits (card actions, ActionSets in rows). */
function actionsOf(card: unknown): Action[] {
  const out: Action[] = [];
  const walk = (n: unknown) => {
    if (Array.isArray(n)) n.forEach(walk);
    else if (n && typeof n === 'object') {
      const o = n as Record<string, unknown>;
      if (o.type === 'Action.Execute') out.push(o as Action);
      for (const v of Object.values(o)) if (typeof v === 'object') walk(v);
    }
  };
  walk(card);
  return out;
}

/** Rosa marks 2.4 complete (version 1 → 2, awaiting sign-off). */
async function complete24(h: Harness): Promise<void> {
  const r = await h.execute('submitUpdate', { planId: PLAN, ref: '2.4', seq: '', version: '1', status: 'complete', rag: 'auto', commentary: 'Final report published', evidenceUrl: 'https://intranet.example/2.4-report.pdf' });
  assert.match(cardText(r.body.value), /Complete, awaiting sign-off/);
  await h.bot.worker.drainAll();
}

describe('sign-offs: the action card, the list, late presses and the return note', function () {
  this.timeout(120_000);
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ today: '2021-11-15', env: { ADMIN_USER_IDS: KIT_ADMIN.aadObjectId } });
    await seedFixtures(h.bot.services, ['southend2021']);
    await h.say('hi');
    await h.say('hi', { from: JORDAN });
    await complete24(h);
    h.stub.clear();
  });
  afterEach(async () => h?.stop());

  it("the manager's action card has Approve and Return with a labelled note; the owner's says who it waits for, with no buttons", async () => {
    const managerCard = cardOf((await h.say('action 2.4', { from: JORDAN }))[0]);
    assertValidCard(managerCard);
    assert.match(cardText(managerCard), /Awaiting sign-off by Jordan Hale \(DCS\) since 15 Nov 2021\./);
    const verbs = actionsOf(managerCard).map((a) => a.verb);
    assert.ok(verbs.includes('approveSignoff') && verbs.includes('returnSignoff'), verbs.join());
    assert.match(JSON.stringify(managerCard), /"id":"note","label":"Note to the owner \(needed to return it\)"/);
    const approve = actionsOf(managerCard).find((a) => a.verb === 'approveSignoff')!;
    assert.deepEqual([approve.data?.ref, approve.data?.version], ['2.4', '2']);

    const ownerCard = cardOf((await h.say('action 2.4'))[0]);
    assertValidCard(ownerCard);
    assert.match(cardText(ownerCard), /Awaiting sign-off by Jordan Hale \(DCS\) since 15 Nov 2021\./);
    assert.doesNotMatch(JSON.stringify(ownerCard), /approveSignoff|returnSignoff|"id":"note"/);
  });

  it("a return from the action card: the owner hears it labelled as the manager's, and the card and history show it as theirs, not as commentary", async () => {
    const managerCard = cardOf((await h.say('action 2.4', { from: JORDAN }))[0]);
    const ret = actionsOf(managerCard).find((a) => a.verb === 'returnSignoff')!;
    const r = await h.execute('returnSignoff', { ...ret.data, note: 'Evidence is the draft, not the final report' }, { from: JORDAN });
    const reply = r.body.value;
    assertValidCard(reply as object);
    const text = cardText(reply);
    assert.match(text, /Returned to the owner by Jordan Hale/);
    assert.match(text, /Returned by Jordan Hale: Evidence is the draft, not the final report \(15 Nov 2021\)|Returned by Jordan Hale: Evidence is the draft, not the final report/);
    assert.match(text, /Latest commentary\nFinal report published/, 'the commentary is still the owner’s');
    assert.match(text, /Jordan Hale: status Complete, awaiting sign-off → On track.* — Returned by Jordan Hale: “Evidence is the draft, not the final report”/);
    assert.doesNotMatch(JSON.stringify(reply), /approveSignoff/, 'decided: no buttons left');

    await h.bot.worker.drainAll();
    const told = h.stub.sent({ conversationId: chat(ROSA) }).find((s) => /2\.4 returned/.test(textOf(s)));
    assert.ok(told, 'the owner is told');
    assert.match(textOf(told), /Returned to the owner by Jordan Hale\.\nReturned by Jordan Hale: Evidence is the draft, not the final report/);
    assert.doesNotMatch(textOf(told), /^Note:/m);

    const item = (await h.bot.services.plans.getItemForUpdate(PLAN, '2.4'))!.item;
    assert.equal(item.commentary, 'Final report published');
    assert.equal(item.signOff?.decision?.note, 'Evidence is the draft, not the final report');
    const history = await h.bot.services.plans.listHistory(PLAN, '2.4', 5);
    assert.equal(history[0].source, 'signoff');
    assert.equal(history[0].commentary, undefined);
    assert.equal(history[0].note, 'Evidence is the draft, not the final report');

    const ownerView = cardText(cardOf((await h.say('action 2.4'))[0]));
    assert.match(ownerView, /Returned by Jordan Hale on 15 Nov 2021\.\nReturned by Jordan Hale: Evidence is the draft, not the final report/);
  });

  it('"my sign-offs" and "sign-offs" list each item with Approve (at its version) and Return; Approve from the list answers with the list', async () => {
    for (const q of ['my sign-offs', 'sign-offs']) {
      const list = cardOf((await h.say(q, { from: JORDAN }))[0]);
      assertValidCard(list);
      assert.match(cardText(list), /\*\*2\.4\*\* /);
      assert.match(cardText(list), /Owner Rosa Bennett \(HoS \(RB\)\) · marked complete 15 Nov 2021, waiting 0 working days/);
      const approve = actionsOf(list).find((a) => a.verb === 'approveSignoff' && a.data?.ref === '2.4');
      const open = actionsOf(list).find((a) => a.verb === 'openSignoff' && a.data?.ref === '2.4');
      assert.ok(approve && open, `${q}: Approve and Return for 2.4`);
      assert.equal(approve.data?.version, '2');
    }
    // The owner sees what awaits sign-off, but no buttons for her own work.
    const ownerList = cardOf((await h.say('sign-offs'))[0]);
    assert.match(cardText(ownerList), /\*\*2\.4\*\* /);
    assert.equal(actionsOf(ownerList).filter((a) => a.verb === 'approveSignoff' || a.verb === 'openSignoff').length, 0);

    const list = cardOf((await h.say('my sign-offs', { from: JORDAN }))[0]);
    const open = actionsOf(list).find((a) => a.verb === 'openSignoff' && a.data?.ref === '2.4')!;
    const opened = await h.execute('openSignoff', open.data!, { from: JORDAN });
    assertValidCard(opened.body.value as object);
    assert.match(cardText(opened.body.value), /^Sign-off needed: 2\.4$/m);
    assert.match(JSON.stringify(opened.body.value), /"id":"note"/);

    const approve = actionsOf(list).find((a) => a.verb === 'approveSignoff' && a.data?.ref === '2.4')!;
    const approved = await h.execute('approveSignoff', approve.data!, { from: JORDAN });
    assertValidCard(approved.body.value as object);
    const text = cardText(approved.body.value);
    assert.match(text, /^Awaiting your sign-off$/m, 'the list again');
    assert.match(text, /Approved by Jordan Hale: 2\.4 is complete\./);
    assert.doesNotMatch(text, /\*\*2\.4\*\* /, 'and 2.4 is no longer in it');
    assert.equal((await h.bot.services.plans.getItemForUpdate(PLAN, '2.4'))!.item.status, 'complete');
  });

  it('late and repeated presses on a decided item read as decided, by whom and when, never "updated it after you opened it"', async () => {
    const askCard = (await h.bot.services.plans.getItemForUpdate(PLAN, '2.4'))!.item;
    const data = { planId: PLAN, ref: '2.4', seq: '', version: String(askCard.version) };
    const approved = await h.execute('approveSignoff', data, { from: JORDAN });
    assert.match(cardText(approved.body.value), /^Signed off: 2\.4$/m);
    assert.match(cardText(approved.body.value), /Approved by Jordan Hale: 2\.4 is complete/);

    const again = await h.execute('approveSignoff', data, { from: JORDAN });
    assertValidCard(again.body.value as object);
    assert.match(cardText(again.body.value), /^Signed off: 2\.4$/m);
    assert.match(cardText(again.body.value), /Signed off by Jordan Hale on 15 Nov 2021/);

    // An admin's late Return from the same (old) card.
    const late = await h.execute('returnSignoff', { ...data, note: 'Not yet' }, { from: KIT_ADMIN });
    assertValidCard(late.body.value as object);
    const text = cardText(late.body.value);
    assert.match(text, /2\.4 was already decided: Signed off by Jordan Hale on 15 Nov 2021\. Nothing was changed\./);
    assert.doesNotMatch(text, /after you opened it|Sign-off needed/);
    assert.match(text, /^Owner\nHoS \(RB\) \(Rosa Bennett\)$/m);
    assert.doesNotMatch(text, /\(\)/);
    assert.doesNotMatch(JSON.stringify(late.body.value), /"verb":"(approve|return)Signoff"/);
    assert.equal((await h.bot.services.plans.getItemForUpdate(PLAN, '2.4'))!.item.status, 'complete', 'nothing changed');
  });
});

describe('sign-off escalation to the manager’s manager', function () {
  this.timeout(180_000);
  let h: Harness;
  afterEach(async () => h?.stop());

  async function day(date: string, utcTime = '09:00') {
    h.clock.set(date);
    await h.bot.scheduler.tick(new Date(`${date}T${utcTime}:00Z`));
    await h.bot.worker.drainAll();
  }
  const escalations = () => h.stub.sent({ conversationId: chat(PRIYA) }).filter((s) => /Sign-off overdue/.test(textOf(s)));

  it('after more than N working days, once per request, in working hours, and the senior manager may decide', async () => {
    h = await startHarness({ today: '2021-11-15', env: { SIGNOFF_ESCALATE_WORKING_DAYS: '5' } });
    await seedFixtures(h.bot.services, ['southend2021']);
    await h.say('hi');
    await h.say('hi', { from: JORDAN });
    await h.say('hi', { from: PRIYA });
    await complete24(h); // Monday 15 Nov 2021
    h.stub.clear();

    await day('2021-11-22'); // five working days: not yet more than five
    assert.equal(escalations().length, 0);
    await day('2021-11-23', '06:00'); // 06:00 in London: quiet hours, nothing planned
    assert.equal(escalations().length, 0);
    await day('2021-11-23'); // six working days
    assert.equal(escalations().length, 1);
    const sent = escalations()[0];
    const card = sent.activity.attachments![0].content as object;
    assertValidCard(card);
    const text = textOf(sent);
    assert.match(text, /^Sign-off overdue: 2\.4$/m);
    assert.match(text, /Jordan Hale \(DCS\) has not signed off 2\.4 since 15 Nov 2021 \(6 working days\)/);
    assert.match(text, /HoS \(RB\) \(Rosa Bennett\)/);
    const row = (await h.bot.ledger.rowsOfDay('2021-11-23')).find((r) => r.kind === 'signoffEscalation');
    assert.deepEqual([row?.state, row?.id], ['sent', `signoffEscalation|${PLAN}|2.4||v2|${PRIYA.aadObjectId}`], 'one ledger row per request (item version) and recipient');

    await day('2021-11-24');
    await day('2021-11-25');
    assert.equal(escalations().length, 1, 'escalated once');

    const listed = cardOf((await h.say('my sign-offs', { from: PRIYA }))[0]);
    assert.match(cardText(listed), /\*\*2\.4\*\* [\s\S]*waiting 8 working days · escalated: Jordan Hale \(DCS\) has not signed off/);
    assert.ok(actionsOf(listed).some((a) => a.verb === 'approveSignoff' && a.data?.ref === '2.4'));

    const approve = actionsOf(card).find((a) => a.verb === 'approveSignoff')!;
    const decided = await h.execute('approveSignoff', approve.data!, { from: PRIYA });
    assert.match(cardText(decided.body.value), /Approved by Priya Raman: 2\.4 is complete/);
    assert.equal((await h.bot.services.plans.getItemForUpdate(PLAN, '2.4'))!.item.status, 'complete');
    // "my sign-offs" for Priya showed it while it was escalated; now nothing waits.
    assert.match(cardText(cardOf((await h.say('my sign-offs', { from: PRIYA }))[0])), /Nothing is waiting for your sign-off/);
  });

  it('a senior manager who had never spoken to the bot gets the escalation dropped for them on first contact, once', async () => {
    h = await startHarness({ today: '2021-11-15', env: { SIGNOFF_ESCALATE_WORKING_DAYS: '5' } });
    await seedFixtures(h.bot.services, ['southend2021']);
    await h.say('hi');
    await h.say('hi', { from: JORDAN });
    await complete24(h);
    h.stub.clear();
    await day('2021-11-23'); // six working days: escalated, but Priya has no conversation with the bot
    const dropped = (await h.bot.ledger.rowsOfDay('2021-11-23')).find((r) => r.kind === 'signoffEscalation');
    assert.deepEqual([dropped?.state, dropped?.reason], ['dropped', 'recipient has no conversation with the bot']);
    assert.equal(escalations().length, 0);

    await h.say('hi', { from: PRIYA });
    await h.bot.worker.drainAll();
    assert.equal(escalations().length, 1, 'sent on first contact');
    assert.match(textOf(escalations()[0]), /Jordan Hale \(DCS\) has not signed off 2\.4 since 15 Nov 2021/);
    const rows = (await h.bot.ledger.rowsOfDay('2021-11-23')).filter((r) => r.kind === 'signoffEscalation');
    assert.deepEqual(rows.map((r) => [r.id, r.state]).sort(), [
      [`signoffEscalation|${PLAN}|2.4||v2|${PRIYA.aadObjectId}`, 'dropped'],
      [`signoffEscalation|${PLAN}|2.4||v2|${PRIYA.aadObjectId}|first-contact`, 'sent'],
    ]);
    await h.say('hi again', { from: PRIYA });
    await day('2021-11-24');
    await h.bot.worker.drainAll();
    assert.equal(escalations().length, 1, 'neither a second message nor the next day sends it again');
  });

  it('SIGNOFF_ESCALATE_WORKING_DAYS=0 turns escalation off', async () => {
    h = await startHarness({ today: '2021-11-15', env: { SIGNOFF_ESCALATE_WORKING_DAYS: '0' } });
    await seedFixtures(h.bot.services, ['southend2021']);
    await h.say('hi');
    await h.say('hi', { from: PRIYA });
    await complete24(h);
    h.stub.clear();
    await day('2021-12-15');
    assert.equal(escalations().length, 0, 'off');
    const mine = cardText(cardOf((await h.say('my sign-offs', { from: PRIYA }))[0]));
    assert.match(mine, /Nothing is waiting for your sign-off/, 'nothing escalated when escalation is off');
  });
});
