import assert from 'node:assert/strict';
import { startHarness, cardText, ROSA, JORDAN, type Harness, type InvokeBody, type Person } from '../support/botHarness';
import { seedFixtures } from '../support/fixtures';
import type { HistoryEntry } from '../../domain/planItem';
import { PLAN, REF, executeActivity, messageActivity, postJson, readable, repliesTo } from './helpers';

/**
 * Many people changing one action at once. Action 2.4 of Southend 2021 is owned by HoS (RB), Rosa
 * Bennett, whose manager is the DCS, Jordan Hale; both may update it. Twenty updates arrive
 * together: card submits from the current version, from stale versions and from versions that do
 * not exist yet, the same card submitted from two devices, a retried delivery, and typed updates.
 *
 * Whatever the interleaving: each person is told either that their change was saved (the reply
 * shows it) or that it was not; the history holds exactly the changes people were told were saved,
 * each once, each built on the one before it (no lost update), and the item is the last of them.
 */
const STATUS_OF_WORD = { green: 'on_track', amber: 'some_issues', red: 'not_on_track' } as const;
const RAG_OF_STATUS = { on_track: 'green', some_issues: 'amber', not_on_track: 'red' } as const;
type Status = keyof typeof RAG_OF_STATUS;

interface Attempt {
  token: string;
  who: Person;
  kind: 'card' | 'text';
  /** Card: the version the form was built from. */
  version?: number;
  status: Status;
  activityId: string;
  /** Set for a retried delivery of the attempt before it (same activity id, same payload). */
  retryOf?: string;
}

const NOT_SAVED = /so your change was not saved/;

describe('concurrent updates to one action by its owner and her manager', function () {
  this.timeout(180_000);
  let h: Harness;

  beforeEach(async () => {
    h = await startHarness({ today: '2021-11-15' });
    await seedFixtures(h.bot.services, ['southend2021']);
    // Every change gets its own millisecond, as in production. With the harness's frozen clock two
    // writers of the same version would also collide on the history row's key, which would hide a
    // missing ETag condition; here only the ETag stands between them.
    let tick = 0;
    const base = Date.parse('2021-11-15T10:00:00Z');
    h.clock.now = () => new Date(base + ++tick);
  });
  afterEach(async () => h?.stop());

  const card = (a: Attempt) =>
    executeActivity(a.who, h.stub.url, 'submitUpdate', { planId: PLAN, ref: REF, seq: '', version: String(a.version), status: a.status, rag: 'auto', commentary: `${a.token} from ${a.who.name}` }, { id: a.activityId });
  const text = (a: Attempt) => {
    const word = (Object.keys(STATUS_OF_WORD) as (keyof typeof STATUS_OF_WORD)[]).find((w) => STATUS_OF_WORD[w] === a.status)!;
    return messageActivity(a.who, h.stub.url, `update 2.4 ${word}: ${a.token} from ${a.who.name}`, a.activityId);
  };

  /** What the person was told: 'saved' when the reply shows their change, 'notSaved' when it says so. */
  async function send(a: Attempt): Promise<{ told: 'saved' | 'notSaved' | 'other'; shown: string }> {
    let shown: string;
    if (a.kind === 'card') {
      const r = await postJson(h.url, card(a));
      assert.equal(r.status, 200, r.text);
      const body = r.body as InvokeBody;
      shown = body.statusCode === 200 ? cardText(body.value) : JSON.stringify(body);
      const editable = /"Input\./.test(JSON.stringify(body.value));
      if (NOT_SAVED.test(shown)) return { told: 'notSaved', shown };
      if (body.statusCode === 200 && !editable && shown.includes(a.token)) return { told: 'saved', shown };
      return { told: 'other', shown };
    }
    const r = await postJson(h.url, text(a));
    assert.equal(r.status, 200, r.text);
    // The turn's own reply; a red-alert card proactively sent to the manager may also cite his last message.
    const replies = repliesTo(h.stub, a.activityId).filter((s) => !/is now Red|RAG change|Sign-off needed/.test(readable(s)));
    shown = replies.map(readable).join('\n---\n');
    if (replies.length !== 1) return { told: 'other', shown: `${replies.length} replies: ${shown}` };
    if (NOT_SAVED.test(shown)) return { told: 'notSaved', shown };
    if (shown.includes(a.token) && /^Action 2\.4/m.test(shown)) return { told: 'saved', shown };
    return { told: 'other', shown };
  }

  it('20 simultaneous card and typed updates: every reply is true, and no accepted change is lost', async () => {
    // Two ordinary updates first, so the item is at version 3 and older forms exist.
    for (const [who, line] of [
      [ROSA, 'update 2.4 green: baseline by the owner'],
      [JORDAN, 'update 2.4 amber: baseline by the manager'],
    ] as const) {
      const a = messageActivity(who, h.stub.url, line);
      assert.equal((await postJson(h.url, a)).status, 200);
    }
    const start = (await h.bot.services.plans.getItemForUpdate(PLAN, REF))!.item;
    assert.equal(start.version, 3);

    const statuses: Status[] = ['on_track', 'some_issues', 'not_on_track'];
    let n = 0;
    const attempt = (who: Person, kind: 'card' | 'text', version?: number): Attempt => {
      n++;
      return { token: `c${String(n).padStart(2, '0')}`, who, kind, version, status: statuses[n % 3], activityId: `concurrent-${n}` };
    };
    const attempts: Attempt[] = [
      // The current version, from both people; Rosa has the form open on two devices.
      attempt(ROSA, 'card', 3),
      attempt(ROSA, 'card', 3),
      attempt(JORDAN, 'card', 3),
      attempt(JORDAN, 'card', 3),
      attempt(JORDAN, 'card', 3),
      // Stale forms.
      attempt(ROSA, 'card', 1),
      attempt(JORDAN, 'card', 2),
      // Forms from versions that exist only if exactly the right number of others land first.
      attempt(ROSA, 'card', 4),
      attempt(JORDAN, 'card', 4),
      attempt(ROSA, 'card', 5),
      attempt(JORDAN, 'card', 6),
      // Typed updates: no version; applied to whatever is current, or refused on a clash.
      ...[ROSA, JORDAN, ROSA, JORDAN, ROSA, JORDAN, ROSA, JORDAN].map((p) => attempt(p, 'text')),
    ];
    // Teams retrying a card submit whose answer it did not get: same activity, same payload.
    const retried = attempts[2];
    attempts.push({ ...retried, retryOf: retried.token });
    assert.equal(attempts.length, 20);

    const results = await Promise.all(attempts.map(async (a) => ({ a, ...(await send(a)) })));

    const others = results.filter((r) => r.told === 'other');
    assert.deepEqual(
      others.map((r) => `${r.a.token} (${r.a.kind} v${r.a.version ?? '-'} by ${r.a.who.name}): ${r.shown.slice(0, 400)}`),
      [],
      'every reply either shows the change saved or says it was not saved',
    );

    const history = await h.bot.services.plans.listHistory(PLAN, REF, 100);
    const item = (await h.bot.services.plans.getItemForUpdate(PLAN, REF))!.item;
    const concurrent = history.filter((e) => /^c\d\d /.test(e.commentary ?? '')).reverse(); // oldest first
    const tokenOf = (e: HistoryEntry) => e.commentary!.slice(0, 3);

    const toldSaved = new Set(results.filter((r) => r.told === 'saved').map((r) => r.a.token));
    console.log(`      saved in order: ${concurrent.map((e) => `${tokenOf(e)} (${e.source}, ${e.byName})`).join(', ')}; ${results.filter((r) => r.told === 'notSaved').length} told not saved`);
    assert.deepEqual(concurrent.map(tokenOf).sort(), [...toldSaved].sort(), 'history holds exactly the changes people were told were saved, each once');
    assert.ok(toldSaved.size >= 1, 'at least one of them was saved');
    assert.equal(history.length, 2 + toldSaved.size);
    assert.equal(item.version, 3 + toldSaved.size);

    // Each saved change was made on top of the one before it, by the person who asked for it, and
    // did what they asked: nothing was applied to a stale copy, so nothing anyone saved was lost.
    let state: { status: string; rag: string } = { status: start.status, rag: start.rag };
    for (const e of concurrent) {
      const a = attempts.find((x) => x.token === tokenOf(e) && !x.retryOf)!;
      assert.equal(e.by, a.who.aadObjectId, `${a.token} is recorded as ${a.who.name}'s`);
      assert.equal(e.source, a.kind);
      for (const c of e.changes) {
        if (c.field === 'status' || c.field === 'RAG') {
          const key = c.field === 'status' ? 'status' : 'rag';
          assert.equal(c.from, state[key], `${a.token} changed ${c.field} from the value the previous save left`);
          state = { ...state, [key]: c.to };
        }
      }
      assert.equal(state.status, a.status, `${a.token} left the status it asked for`);
      assert.equal(state.rag, RAG_OF_STATUS[a.status]);
      if (a.kind === 'card') assert.equal(a.version, 3 + concurrent.indexOf(e), `${a.token} was saved from the version it was built on`);
    }
    const last = attempts.find((x) => x.token === tokenOf(concurrent.at(-1)!))!;
    assert.equal(item.status, last.status, 'the item is in the state of the last saved change');
    assert.equal(item.rag, RAG_OF_STATUS[last.status]);
    assert.equal(item.commentary, `${last.token} from ${last.who.name}`);
    assert.equal(item.updatedBy, last.who.aadObjectId);

    // The stale forms can never have won.
    for (const stale of attempts.filter((a) => a.version !== undefined && a.version < 3)) assert.ok(!toldSaved.has(stale.token), `${stale.token} (from version ${stale.version}) was not saved`);
  });

  it('the same form submitted from two devices with different changes: the second is told it was not saved', async () => {
    const desktop: Attempt = { token: 'd01', who: ROSA, kind: 'card', version: 1, status: 'some_issues', activityId: 'desktop-1' };
    const phone: Attempt = { token: 'p01', who: ROSA, kind: 'card', version: 1, status: 'not_on_track', activityId: 'phone-1' };
    assert.equal((await send(desktop)).told, 'saved');
    const second = await send(phone);
    assert.equal(second.told, 'notSaved', `the phone's reply: ${second.shown.slice(0, 400)}`);
    const history = await h.bot.services.plans.listHistory(PLAN, REF, 10);
    assert.deepEqual(history.map((e) => e.commentary), ['d01 from Rosa Bennett']);
    const retry = await send(desktop);
    assert.equal(retry.told, 'saved', 'a retried delivery of the first still shows it saved');
    assert.equal((await h.bot.services.plans.listHistory(PLAN, REF, 10)).length, 1, 'and does not write twice');
  });
});
