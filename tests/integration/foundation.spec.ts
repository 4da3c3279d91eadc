import assert from 'node:assert/strict';
import { startHarness, cardOf, cardText, ROSA, type Harness } from '../support/botHarness';
import { assertValidCard } from '../support/cardValidation';

describe('foundation: the real endpoint, adapter, Azurite and connector', function () {
  this.timeout(60_000);
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(async () => h?.stop());

  it('answers /healthz and /readyz', async () => {
    const base = h.url.replace('/api/messages', '');
    assert.equal((await fetch(`${base}/healthz`)).status, 200);
    const ready = await fetch(`${base}/readyz`);
    assert.equal(ready.status, 200);
    const body = (await ready.json()) as { status: string; details?: { delivery?: Record<string, unknown> } };
    assert.equal(body.status, 'ready');
    // Operators see proactive delivery's problem counts here (nothing has been sent yet).
    assert.deepEqual(body.details?.delivery, { day: '2026-11-22', uncertain: 0, failed: 0, retrying: 0, queued: 0, sent: 0, dropped: 0 });
  });

  it('sends a welcome card when installed in personal chat', async () => {
    const before = h.stub.sent().length;
    const res = await h.post({
      type: 'conversationUpdate',
      id: 'install-1',
      channelId: 'msteams',
      serviceUrl: h.stub.url,
      from: { id: `29:${ROSA.aadObjectId}`, aadObjectId: ROSA.aadObjectId, name: ROSA.name },
      recipient: { id: '28:bot-id', name: 'Improvement Plan' },
      conversation: { id: 'a:personal-welcome', conversationType: 'personal', tenantId: 'tenant' },
      membersAdded: [{ id: '28:bot-id' }],
      channelData: { tenant: { id: 'tenant' } },
    });
    assert.equal(res.status, 200);
    const sent = h.stub.sent().slice(before);
    assert.equal(sent.length, 1);
    const card = cardOf(sent[0]);
    assertValidCard(card);
    assert.match(cardText(card), /Welcome/);
    assert.match(cardText(card), /my actions/);
  });

  it('replies to "help" with a help card that lists examples', async () => {
    const sent = await h.say('help');
    assert.equal(sent.length, 1);
    const card = cardOf(sent[0]);
    assertValidCard(card);
    const text = cardText(card);
    for (const example of ['my actions', 'overdue for HoS (RB)', 'kpi c056', 'update 2.4 amber']) assert.ok(text.includes(example), `help mentions ${example}`);
  });

  it('answers something it does not understand with help and a suggestion', async () => {
    const sent = await h.say('sumary pls');
    const text = cardText(cardOf(sent[0]));
    // "sumary" is a typo it corrects; a real nonsense line gets the help card with "did you mean".
    assert.doesNotMatch(text, /didn't understand/);
    const nonsense = cardText(cardOf((await h.say('overdo for rosa bennet'))[0]));
    assert.match(nonsense, /Overdue|didn't understand/);
    const help = cardText(cardOf((await h.say('please sing a song'))[0]));
    assert.match(help, /didn't understand “please sing a song”/);
  });

  it('replies into a channel thread when @mentioned, with the mention stripped', async () => {
    const sent = await h.say('help', { where: { kind: 'channel' } });
    assert.equal(sent.length, 1);
    assert.match(sent[0].conversationId, /^19:plan-channel@thread\.tacv2;messageid=/);
    assert.match(cardText(cardOf(sent[0])), /What I can do/);
  });

  it('rejects an oversized body without a 5xx', async () => {
    const res = await fetch(h.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ type: 'message', text: 'x'.repeat(400_000) }) });
    assert.equal(res.status, 413);
  });

  it('reports 503 on /readyz while storage is down and 200 once it is back', async () => {
    const base = h.url.replace('/api/messages', '');
    h.azurite.kill();
    const down = await fetch(`${base}/readyz`);
    assert.equal(down.status, 503);
    await h.azurite.restart();
    let status = 0;
    for (let i = 0; i < 20 && status !== 200; i++) {
      status = (await fetch(`${base}/readyz`)).status;
      if (status !== 200) await new Promise((r) => setTimeout(r, 250));
    }
    assert.equal(status, 200);
  });
});
