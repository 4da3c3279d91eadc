import assert from 'node:assert/strict';
import { startHarness, cardOf, cardText, ROSA, JORDAN, STRANGER, TENANT, type Harness, type Person } from '../support/botHarness';
import { assertValidCard } from '../support/cardValidation';
import { seedFixtures } from '../support/fixtures';

const CHRIS: Person = { aadObjectId: '6f1c2a10-0007-4c1e-9a51-000000000007', name: 'Chris Shaw' };
const KIT_ADMIN: Person = { aadObjectId: '6f1c2a10-0020-4c1e-9a51-000000000020', name: 'Kit Moran' };
const PLAN = 'southend-2021';

async function state(h: Harness, ref: string, seq?: number) {
  const loaded = await h.bot.services.plans.getItemForUpdate(PLAN, ref, seq);
  const history = await h.bot.services.plans.listHistory(PLAN, ref, 100);
  return { item: loaded!.item, history };
}

function form(values: Record<string, string>, version: number, ref = '2.4') {
  return { planId: PLAN, ref, seq: '', version: String(version), ...values };
}

describe('updating status', function () {
  this.timeout(120_000);
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ today: '2021-11-15', env: { ADMIN_USER_IDS: KIT_ADMIN.aadObjectId } });
    await seedFixtures(h.bot.services, ['southend2021']);
  });
  afterEach(async () => h?.stop());

  it('the form refreshes for the owner and her manager, whoever opened it, and for nobody else', async () => {
    for (const who of [ROSA, JORDAN, CHRIS]) await h.say('hello', { from: who }); // each now has a conversation with the bot
    const opened = await h.execute('openUpdate', { planId: PLAN, ref: '2.4', seq: '' }, { from: JORDAN });
    const formCard = opened.body.value as { refresh: { userIds: string[] } };
    assert.deepEqual([...formCard.refresh.userIds].sort(), [`29:${JORDAN.aadObjectId}`, `29:${ROSA.aadObjectId}`].sort());
  });

  it('the owner opens the form, submits, and the card updates in place for everyone', async () => {
    const opened = await h.execute('openUpdate', { planId: PLAN, ref: '2.4', seq: '' });
    const formCard = opened.body.value as { refresh: { userIds: string[] }; actions: { data: { version: string } }[] };
    assertValidCard(formCard);
    assert.deepEqual(formCard.refresh.userIds, [`29:${ROSA.aadObjectId}`]);
    assert.equal(formCard.actions[0].data.version, '1');
    // Ids, the version it was built from, and the owner it showed (a read hint for the save, never a permission).
    assert.deepEqual(Object.keys(formCard.actions[0].data).sort(), ['owner', 'planId', 'ref', 'seq', 'version']);
    assert.equal((formCard.actions[0].data as { owner?: string }).owner, 'HoS (RB)');

    const shared1 = (await h.say('action 2.4', { where: { kind: 'channel' } }))[0];
    const r = await h.execute('submitUpdate', form({ status: 'some_issues', rag: 'auto', commentary: 'Recruitment delayed two months' }, 1), {
      replyToId: shared1.id,
      where: { kind: 'channel' },
    });
    assert.equal(r.body.statusCode, 200);
    const text = cardText(r.body.value);
    assert.match(text, /^Amber$/m);
    assert.match(text, /Some issues, recovering/);
    assert.match(text, /Updated by Rosa Bennett, 15 Nov 2021, 10:00/);
    assert.match(text, /Rosa Bennett: status Not started → Some issues, recovering; RAG No RAG → Amber — “Recruitment delayed two months”/);

    const updates = h.stub.updates();
    assert.equal(updates.length, 1, 'the shared message is updated once');
    assert.equal(updates[0].activityId, shared1.id);
    const shared = cardText(updates[0].activity.attachments![0].content);
    assert.match(shared, /^Amber$/m);
    assert.doesNotMatch(JSON.stringify(updates[0].activity), /Input\./, 'the shared card is the read-only view');

    const s = await state(h, '2.4');
    assert.equal(s.item.rag, 'amber');
    assert.equal(s.item.version, 2);
    assert.equal(s.history.length, 1);
    assert.equal(s.history[0].source, 'card');
    assert.equal(s.history[0].by, ROSA.aadObjectId);
  });

  it('the owner updates by text and gets the action card back', async () => {
    const sent = await h.say('update 2.4 amber: recruitment delayed two months');
    const text = cardText(cardOf(sent[0]));
    assert.match(text, /^Amber$/m);
    assert.match(text, /recruitment delayed two months/);
    const s = await state(h, '2.4');
    assert.equal(s.history.length, 1);
    assert.equal(s.history[0].source, 'text');
    assert.equal(s.item.commentary, 'recruitment delayed two months');
  });

  it('someone who does not own the action is refused, told who can, and nothing is written', async () => {
    const before = await state(h, '2.4');
    const sent = await h.say('update 2.4 red: not my action', { from: CHRIS });
    const text = cardText(cardOf(sent[0]));
    assert.match(text, /You can't update 2\.4\. It can be updated by Rosa Bennett \(HoS \(RB\)\), Jordan Hale \(DCS\), a plan administrator/);
    const viaCard = await h.execute('submitUpdate', form({ status: 'not_on_track', rag: 'red', commentary: 'x' }, 1), { from: CHRIS });
    assert.match(cardText(viaCard.body.value), /You can't update 2\.4/);
    const opened = await h.execute('openUpdate', { planId: PLAN, ref: '2.4', seq: '' }, { from: STRANGER });
    assert.doesNotMatch(JSON.stringify(opened.body.value), /Input\./);
    const after = await state(h, '2.4');
    assert.deepEqual(after, before);
  });

  it("the owner's manager and an admin may update", async () => {
    await h.say('update 2.4 green', { from: JORDAN });
    assert.equal((await state(h, '2.4')).item.rag, 'green');
    await h.say('update 2.4 amber: admin check', { from: KIT_ADMIN });
    const s = await state(h, '2.4');
    assert.equal(s.item.rag, 'amber');
    assert.deepEqual(s.history.map((e) => e.byName), ['Kit Moran', 'Jordan Hale']);
  });

  it('two people submitting from the same version: exactly one wins, the other sees the latest state', async () => {
    const [a, b] = await Promise.all([
      h.execute('submitUpdate', form({ status: 'some_issues', rag: 'amber', commentary: 'owner says amber' }, 1)),
      h.execute('submitUpdate', form({ status: 'not_on_track', rag: 'red', commentary: 'manager says red' }, 1), { from: JORDAN }),
    ]);
    const texts = [cardText(a.body.value), cardText(b.body.value)];
    const losers = texts.filter((t) => /after you opened it, so your change was not saved/.test(t));
    assert.equal(losers.length, 1, texts.join('\n---\n'));
    const s = await state(h, '2.4');
    assert.equal(s.history.length, 1);
    assert.equal(s.item.version, 2);
    assert.ok(losers[0].includes(s.item.updatedByName!), 'the loser is told who got there first');
  });

  it('the same invoke sent twice writes one history record', async () => {
    const data = form({ status: 'some_issues', rag: 'amber', commentary: 'once only' }, 1);
    const first = await h.execute('submitUpdate', data, { activityId: 'retry-1' });
    const second = await h.execute('submitUpdate', data, { activityId: 'retry-1' });
    assert.equal(first.body.statusCode, 200);
    assert.equal(second.body.statusCode, 200);
    assert.match(cardText(second.body.value), /^Amber$/m);
    assert.equal((await state(h, '2.4')).history.length, 1);
    await h.say('update 2.4 red: same message twice');
    // Teams redelivers a message with the same activity id when it did not see our 200 in time.
    const typedOnce = {
      type: 'message',
      id: 'dup-text',
      text: 'update 2.4 amber: typed once, delivered twice',
      channelId: 'msteams',
      serviceUrl: h.stub.url,
      from: { id: `29:${ROSA.aadObjectId}`, name: ROSA.name, aadObjectId: ROSA.aadObjectId },
      recipient: { id: '28:bot-id' },
      conversation: { id: 'a:personal', conversationType: 'personal', tenantId: TENANT },
      channelData: { tenant: { id: TENANT } },
    };
    assert.equal((await h.post(typedOnce)).status, 200);
    assert.equal((await h.post(typedOnce)).status, 200);
    assert.equal((await state(h, '2.4')).history.length, 3);
  });

  it('complete → awaiting sign-off → the manager approves', async () => {
    await h.say('hi', { from: JORDAN }); // Jordan's personal chat with the bot, so the bot can reach him
    h.stub.clear();
    const r = await h.execute('submitUpdate', form({ status: 'complete', rag: 'auto', evidenceUrl: 'https://intranet.example/2.4-report.pdf' }, 1));
    assert.match(cardText(r.body.value), /Complete, awaiting sign-off/);
    const ask = await h.stub.waitFor((s) => /Sign-off needed: 2\.4/.test(JSON.stringify(s.activity)));
    assert.equal(ask.conversationId, `a:personal-${JORDAN.aadObjectId}`);
    const askCard = ask.activity.attachments![0].content as { actions: { verb: string; data: Record<string, string> }[] };
    assertValidCard(askCard);
    const approve = askCard.actions.find((a) => a.verb === 'approveSignoff')!;

    const refused = await h.execute('approveSignoff', approve.data, { from: ROSA });
    assert.match(cardText(refused.body.value), /You can't sign off 2\.4/);

    const approved = await h.execute('approveSignoff', approve.data, { from: JORDAN });
    assert.match(cardText(approved.body.value), /Approved by Jordan Hale: 2\.4 is complete/);
    const s = await state(h, '2.4');
    assert.equal(s.item.status, 'complete');
    assert.equal(s.item.rag, 'blue');
    assert.deepEqual(s.history.map((e) => e.source), ['signoff', 'card']);
  });

  it('the manager returns it with a note, and the owner hears why', async () => {
    await h.say('hi', { from: JORDAN });
    await h.say('hi', { from: ROSA });
    await h.execute('submitUpdate', form({ status: 'complete', rag: 'auto', evidenceUrl: 'https://intranet.example/x' }, 1));
    const noNote = await h.execute('returnSignoff', { planId: PLAN, ref: '2.4', seq: '', version: '2' }, { from: JORDAN });
    assert.equal(noNote.body.statusCode, 400);
    assert.match(JSON.stringify(noNote.body.value), /say why it is being returned/);
    const returned = await h.execute('returnSignoff', { planId: PLAN, ref: '2.4', seq: '', version: '2', note: 'Evidence is the draft, not the final report' }, { from: JORDAN });
    assert.match(cardText(returned.body.value), /Returned to the owner by Jordan Hale/);
    const told = await h.stub.waitFor((s) => s.conversationId === `a:personal-${ROSA.aadObjectId}` && /returned/.test(JSON.stringify(s.activity)));
    assert.match(JSON.stringify(told.activity), /Evidence is the draft, not the final report/);
    const s = await state(h, '2.4');
    assert.equal(s.item.status, 'on_track');
    assert.equal(s.history.length, 2);
  });

  it("a RAG change is posted to the plan's linked channel, and red goes to the manager", async () => {
    const channel = { kind: 'channel' as const, channelId: '19:improvement-board@thread.tacv2' };
    const notAdmin = await h.say('link this channel to Southend 2021', { where: channel });
    assert.match(cardText(cardOf(notAdmin[0])), /Only a plan administrator/);
    const linked = await h.say('link this channel to Southend 2021', { where: channel, from: KIT_ADMIN });
    assert.match(cardText(cardOf(linked[0])), /Linked to Southend 2021/);
    await h.say('hi', { from: JORDAN });
    h.stub.clear();
    await h.say('update 2.4 red: recruitment delayed');
    // A new post in the channel (not a reply under the message that linked it).
    const post = await h.stub.waitFor((s) => s.conversationId.startsWith('19:improvement-board@thread.tacv2;messageid=') && s.via === 'createConversation');
    assert.match(cardText(post.activity.attachments![0].content), /2\.4 moved No RAG → Red — HoS \(RB\): recruitment delayed/);
    const toManager = await h.stub.waitFor((s) => s.conversationId === `a:personal-${JORDAN.aadObjectId}`);
    assert.match(cardText(toManager.activity.attachments![0].content), /2\.4 is now Red/);
  });

  it('refresh shows the owner the form and everyone else the read-only card', async () => {
    const owner = await h.execute('refreshItem', { planId: PLAN, ref: '2.4', seq: '' });
    const other = await h.execute('refreshItem', { planId: PLAN, ref: '2.4', seq: '' }, { from: CHRIS });
    assert.match(JSON.stringify(owner.body.value), /"id":"commentary"/);
    assert.doesNotMatch(JSON.stringify(other.body.value), /Input\./);
    assert.match(cardText(other.body.value), /Action 2\.4/);
    assert.equal(h.stub.updates().length, 0, 'a refresh never rewrites the shared message');
  });

  it('invalid payloads are answered with errors and nothing is written', async () => {
    const before = await state(h, '2.4');
    const noReason = await h.execute('submitUpdate', form({ status: 'not_on_track', rag: 'red' }, 1));
    assert.match(cardText(noReason.body.value), /Please say why it is Red/);
    assert.match(JSON.stringify(noReason.body.value), /"id":"status","label":"Progress","value":"not_on_track"/);
    const httpEvidence = await h.execute('submitUpdate', form({ status: 'complete', evidenceUrl: 'http://insecure.example/x' }, 1));
    assert.match(cardText(httpEvidence.body.value), /Evidence must be a link starting with https:\/\//);
    const badDate = await h.execute('submitUpdate', form({ revisedDue: '2021-02-30', revisedDueReason: 'x', commentary: 'y' }, 1));
    assert.match(cardText(badDate.body.value), /“2021-02-30” is not a date/);
    for (const data of [
      { planId: PLAN, ref: "2.4' or 1 eq 1", seq: '', version: '1', status: 'on_track' },
      { planId: '../other', ref: '2.4', seq: '', version: '1' },
      form({ status: 'exploded' }, 1),
      form({ commentary: 'x'.repeat(2001) }, 1),
      { planId: PLAN },
    ]) {
      const r = await h.execute('submitUpdate', data);
      assert.equal(r.body.statusCode, 400, JSON.stringify(data).slice(0, 80));
      assert.match(JSON.stringify(r.body.value), /Nothing was saved/);
    }
    const unknownVerb = await h.execute('launchMissiles', { planId: PLAN });
    assert.equal(unknownVerb.body.statusCode, 400);
    assert.match(JSON.stringify(unknownVerb.body.value), /not one I know.*Nothing was changed/);
    assert.deepEqual(await state(h, '2.4'), before);
  });

  it('control characters are stripped from commentary', async () => {
    await h.execute('submitUpdate', form({ status: 'some_issues', commentary: 'Delayed\u0000\u0007 by \u202eHR' }, 1));
    assert.equal((await state(h, '2.4')).item.commentary, 'Delayed by HR');
  });
});

describe('tenant allow-list', function () {
  this.timeout(60_000);
  it('refuses activities from a tenant not on the list, and writes nothing', async () => {
    const h = await startHarness({ today: '2021-11-15', env: { ALLOWED_TENANT_IDS: '11111111-1111-4111-8111-111111111111' } });
    try {
      await seedFixtures(h.bot.services, ['southend2021']);
      const sent = await h.say('update 2.4 amber: from the wrong tenant');
      assert.match(JSON.stringify(sent[0].activity), /not available to your organisation/);
      const inv = await h.execute('submitUpdate', form({ status: 'some_issues', commentary: 'x' }, 1));
      assert.equal(inv.body.statusCode, 403);
      assert.equal((await h.bot.services.plans.listHistory(PLAN, '2.4', 10)).length, 0);
      assert.equal(await h.bot.services.conversations.get('user', ROSA.aadObjectId), undefined, 'not even a conversation reference');
    } finally {
      await h.stop();
    }
  });
});

describe('updating a milestone by text', function () {
  this.timeout(60_000);
  const DEE: Person = { aadObjectId: '6f1c2a10-0017-4c1e-9a51-000000000017', name: 'Dee Marsh' };
  it('"milestone 2.1.2 done" needs evidence, then goes for sign-off and shows in the action\'s history', async () => {
    const h = await startHarness({ today: '2016-12-20' });
    try {
      await seedFixtures(h.bot.services, ['southend2016']);
      const noEvidence = cardText(cardOf((await h.say('milestone 2.1.2 done', { from: DEE }))[0]));
      assert.match(noEvidence, /Marking complete needs a link to the evidence/);
      assert.equal((await h.bot.services.plans.listHistory('southend-2016', '2.1', 5)).length, 0);
      const done = cardText(cardOf((await h.say('milestone 2.1.2 done https://intranet.example/qaf-v2.pdf', { from: DEE }))[0]));
      assert.match(done, /Saved\. It now waits for sign-off/);
      assert.match(done, /\*\*2\.1\.2\*\*/);
      const m = await h.bot.services.plans.getItemForUpdate('southend-2016', '2.1', 2);
      assert.deepEqual([m?.item.status, m?.item.evidenceUrl], ['awaiting_signoff', 'https://intranet.example/qaf-v2.pdf']);
      const history = cardText(cardOf((await h.say('history 2.1', { from: DEE }))[0]));
      assert.match(history, /Dee Marsh: milestone 2\.1\.2: status Not started → Complete, awaiting sign-off; RAG No RAG → Green; evidence — → https:\/\/intranet\.example\/qaf-v2\.pdf/);
    } finally {
      await h.stop();
    }
  });
});

describe('typed updates cover what the card covers, with the card’s rules', function () {
  this.timeout(120_000);
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ today: '2021-11-15' });
    await seedFixtures(h.bot.services, ['southend2021']);
  });
  afterEach(async () => h?.stop());

  const reply = async (text: string) => {
    const sent = await h.say(text);
    assert.equal(sent.length, 1, `one reply to ${text.slice(0, 40)}`);
    const card = cardOf(sent[0]);
    assertValidCard(card);
    return cardText(card);
  };

  it('a revised due date by text needs a reason, refuses a past date, and is saved with its reason', async () => {
    assert.match(await reply('update 2.4 due 31 Jan 2022'), /A revised due date needs a reason\.[\s\S]*Nothing was changed/);
    assert.match(await reply('update 2.4 due 1 Nov 2021: too late'), /in the past; choose today or a later date[\s\S]*Nothing was changed/);
    assert.match(await reply('update 2.4 due the twelfth of never: because'), /is not a date I can read[\s\S]*Nothing was changed/);
    assert.equal((await state(h, '2.4')).history.length, 0);
    const saved = await reply('update 2.4 due 31 Jan 2022: recruitment re-run');
    assert.match(saved, /31 Jan 2022/);
    const s = await state(h, '2.4');
    assert.deepEqual(s.item.due, { kind: 'date', date: '2022-01-31' });
    assert.deepEqual(s.item.originalDue, { kind: 'date', date: '2021-09-30' });
    assert.match(s.item.commentary ?? '', /recruitment re-run/);
    assert.equal(s.history.length, 1);
  });

  it('the card refuses a past revised date too, and accepts today', async () => {
    const past = await h.execute('submitUpdate', form({ revisedDue: '2021-11-14', revisedDueReason: 'panel moved' }, 1));
    assert.match(cardText(past.body.value), /in the past/);
    assert.equal((await state(h, '2.4')).history.length, 0);
    const today = await h.execute('submitUpdate', form({ revisedDue: '2021-11-15', revisedDueReason: 'panel moved' }, 1));
    assert.doesNotMatch(cardText(today.body.value), /in the past/);
    assert.deepEqual((await state(h, '2.4')).item.due, { kind: 'date', date: '2021-11-15' });
  });

  it('over-long typed commentary is refused with the limit stated, never cut and saved', async () => {
    const long = 'delayed '.repeat(400); // 3,200 characters
    const text = await reply(`update 2.4 amber: ${long}`);
    assert.match(text, /the limit is 2000/);
    assert.match(text, /Nothing was changed/);
    const s = await state(h, '2.4');
    assert.equal(s.history.length, 0);
    assert.equal(s.item.rag, 'none');
  });

  it('after a conflict the form shown again keeps what the person typed', async () => {
    await h.execute('submitUpdate', form({ status: 'some_issues', rag: 'amber', commentary: 'first in' }, 1), { from: JORDAN });
    const mine = await h.execute('submitUpdate', form({ status: 'not_on_track', rag: 'red', commentary: 'my careful explanation' }, 1));
    const card = mine.body.value as { body: unknown[] };
    assert.match(cardText(card), /after you opened it, so your change was not saved/);
    assert.match(JSON.stringify(card), /"id":"commentary"[^}]*"value":"my careful explanation"/);
  });

  it('a failed reply after the change is committed never says "nothing was changed", and a resend does not write twice', async () => {
    let failures = 0;
    h.stub.setFaults({ decide: (r) => (r.route !== 'createConversation' && r.method === 'POST' && failures++ < 20 ? { status: 429, retryAfterSeconds: 0 } : null) });
    const before = h.stub.sent().length;
    const res = await h.post({
      type: 'message',
      id: 'typed-update-429',
      channelId: 'msteams',
      serviceUrl: h.stub.url,
      from: { id: `29:${ROSA.aadObjectId}`, aadObjectId: ROSA.aadObjectId, name: ROSA.name },
      recipient: { id: '28:bot-id', name: 'Improvement Plan' },
      conversation: { id: `a:personal-${ROSA.aadObjectId}`, conversationType: 'personal', tenantId: TENANT },
      channelData: { tenant: { id: TENANT } },
      text: 'update 2.4 amber: recruitment delayed two months',
    });
    assert.equal(res.status, 200, 'the turn does not fail: the change is saved');
    h.stub.setFaults(undefined);
    const said = h.stub.sent().slice(before).map((a) => JSON.stringify(a.activity));
    assert.ok(said.every((t) => !/nothing was changed/i.test(t)), said.join('\n'));
    assert.equal((await state(h, '2.4')).history.length, 1);
    const again = await reply('update 2.4 amber: recruitment delayed two months');
    assert.match(again, /already saved/);
    assert.equal((await state(h, '2.4')).history.length, 1, 'the resend wrote nothing');
  });
});
