import assert from 'node:assert/strict';
import fc from 'fast-check';
import { startHarness, ROSA, JORDAN, STRANGER, TENANT, type Harness, type Person } from '../support/botHarness';
import { seedFixtures } from '../support/fixtures';
import { parseIntent } from '../../domain/intent';
import { MAX_COMMENTARY } from '../../domain/statusUpdate';
import { PLAN, REF, postRaw, snapshotDiff, snapshotStore, type Answer } from './helpers';

/**
 * Malformed and malicious activities and card payloads against the real server (restify, adapter,
 * teams-ai, storage), with authentication off so every request reaches the bot's own code.
 *
 * What must hold for every request: no 5xx (except 501, the Bot Framework protocol's answer to an
 * invoke no handler claims), no turn that fails into the "something went wrong" handler, and the
 * process stays up. Afterwards: the seeded plan, the directory and the KPIs are exactly as seeded
 * (every entity's ETag unchanged), and Object.prototype is untouched.
 *
 * No generated request is a valid change: messages that read as an update come from someone outside
 * the directory, and card payloads that could write carry one field that is guaranteed invalid.
 */
const SEED = 20211115;
const BATCH = 8; // requests per property run, sent together
const RUNS = 700; // 700 × 8 = 5,600 requests, ~25 s on two shared cores
const MAX_BODY = 262144;

// ------------------------------------------------------------------------------------------------
// Generators
// ------------------------------------------------------------------------------------------------

const SPECIALS = [
  "' or 1 eq 1",
  "2.4' or 1 eq 1",
  "southend-2021' or PartitionKey ne '",
  "') or (RowKey ge '",
  'PartitionKey eq PartitionKey',
  '../',
  '../../southend-2021',
  '..\\..\\Plans',
  '%2e%2e%2f',
  '/',
  '#',
  '?',
  '\\',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  '\u202eevil\u202c',
  '\u202egnp.exe',
  '\u200f\u05e9\u05dc\u05d5\u05dd 2.4',
  '\u0645\u0631\u062d\u0628\u0627',
  '👩‍👩‍👧‍👦🏴󠁧󠁢󠁥󠁮󠁧󠁿🤦🏽‍♀️',
  '\u200b\u200c\u200d\ufeff',
  '\u0000',
  '\u0007\u001b[31m',
  '\ud800',
  '\udfff\ud800',
  '<script>alert(1)</script>',
  '<at>Improvement Plan</at>',
  '${{7*7}}',
  '{{7*7}}',
  '${jndi:ldap://127.0.0.1:1/x}',
  '$where',
  'NaN',
  'Infinity',
  '-1',
  '1e309',
  '0x1f',
  '9'.repeat(400),
  'null',
  'undefined',
  'true',
  '',
  ' ',
  '\r\n\r\n',
  'update 2.4 amber',
  'action 2.4',
  'history 2.4',
  'kpi c056',
  'link this channel to Southend 2021',
  'update 2.4 complete https://evil.example/x',
];

const huge = fc
  .tuple(fc.constantFrom(1_000, 20_000, 120_000, MAX_BODY + 10_000), fc.constantFrom('A', 'é', '👩‍👩‍👧', '\u202e', "' or 1 eq 1 "))
  .map(([n, unit]) => unit.repeat(Math.ceil(n / unit.length)));

const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 40, arbitrary: fc.constantFrom(...SPECIALS) },
  { weight: 30, arbitrary: fc.string({ unit: 'binary', maxLength: 80 }) },
  { weight: 20, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
  { weight: 20, arbitrary: fc.tuple(fc.constantFrom(...SPECIALS), fc.string({ maxLength: 20 })).map(([a, b]) => a + b) },
  { weight: 10, arbitrary: fc.integer().map(String) },
  { weight: 2, arbitrary: huge },
);

/** Number(v) as zod's coerce does it, except that an object with a non-callable toString yields NaN instead of throwing. */
function asNumber(v: unknown): number {
  try {
    return Number(v);
  } catch {
    return Number.NaN;
  }
}

const isPrimitive = (v: unknown) => v === null || ['string', 'number', 'boolean'].includes(typeof v);

/** An object whose keys may be __proto__ & co as *own* properties, as JSON.parse would make them. */
function ownObject(entries: [string, unknown][]): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (const [k, v] of entries) Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
  return o;
}

const KEYS = ['__proto__', 'constructor', 'prototype', 'planId', 'ref', 'version', 'status', 'rag', 'commentary', 'verb', 'type', 'id', 'text', 'value', "' or 1 eq 1"];

/** Objects that break code assuming a plain value: own toString/valueOf that are not functions, pollution attempts. */
const trickObject = fc.constantFrom<() => unknown>(
  () => ownObject([['toString', 'x']]),
  () => ownObject([['valueOf', 1], ['toString', 'x']]),
  () => ownObject([['toJSON', 'x']]),
  () => ownObject([['length', 1e9]]),
  () => ownObject([['__proto__', { polluted: true, toString: 'x' }]]),
  () => ownObject([['constructor', { prototype: { polluted: true } }]]),
).map((make) => make());

const deepArray = fc.integer({ min: 50, max: 3000 }).map((depth) => {
  let v: unknown = 'bottom';
  for (let i = 0; i < depth; i++) v = [v];
  return v;
});

const { value: hostileValue } = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    { weight: 4, arbitrary: hostileString },
    { weight: 1, arbitrary: fc.oneof(fc.integer(), fc.double(), fc.constantFrom(0, -1, 1, 2 ** 53, -(2 ** 63), 1e308)) },
    { weight: 1, arbitrary: fc.constantFrom(true, false, null) },
    { weight: 1, arbitrary: fc.array(tie('value'), { maxLength: 4 }) },
    { weight: 1, arbitrary: fc.array(fc.tuple(fc.oneof(fc.constantFrom(...KEYS), fc.string({ maxLength: 8 })), tie('value')), { maxLength: 4 }).map(ownObject) },
    { weight: 1, arbitrary: deepArray },
    { weight: 1, arbitrary: trickObject },
  ),
}));

/** Senders: directory people (owner, manager), a stranger, forged identities, none at all. */
const sender = fc.oneof(
  { weight: 9, arbitrary: fc.constantFrom<Person | 'none'>(ROSA, JORDAN, STRANGER) },
  { weight: 3, arbitrary: fc.record({ aadObjectId: hostileString, name: hostileString, id: fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 40 }) }) },
  { weight: 1, arbitrary: fc.record({ aadObjectId: hostileString, name: hostileString, id: hostileString }) },
  { weight: 1, arbitrary: fc.constant<Person | 'none'>('none') },
);

const ENVELOPE_FIELDS = ['from', 'recipient', 'conversation', 'channelData', 'entities', 'attachments', 'timestamp', 'localTimestamp', 'locale', 'channelId', 'id', 'replyToId', 'value', 'name', 'action', 'membersAdded', 'membersRemoved', 'textFormat'];

/**
 * Broken serviceUrls. None names a reachable host: a fuzzer must not make the bot talk to the
 * internet, and a well-formed URL of a dead host only shows that a reply cannot be delivered (the
 * connector's retries take ~10 s, and the turn fails as it must).
 */
const hostileServiceUrl = fc.constantFrom<unknown>(undefined, '', 'not a url', 42, ['http://127.0.0.1/'], 'ftp://127.0.0.1/', 'javascript:alert(1)', 'file:///etc/passwd', '//127.0.0.1/', 'http://');

type Mutation = { field: string; value: unknown; remove: boolean };
const mutation: fc.Arbitrary<Mutation> = fc.record({ field: fc.constantFrom(...ENVELOPE_FIELDS), value: hostileValue, remove: fc.boolean() });
/** Most activities keep a well-formed envelope so the payload reaches the handlers; some have it broken. */
const mutations = fc.oneof({ weight: 3, arbitrary: fc.constant<Mutation[]>([]) }, { weight: 1, arbitrary: fc.array(mutation, { minLength: 1, maxLength: 3 }) });

const WRITE_VERBS = ['submitUpdate', 'approveSignoff', 'returnSignoff'];
const VERBS = [...WRITE_VERBS, 'openUpdate', 'refreshItem', 'cancelUpdate', 'ask', 'showMore', 'showAction', 'launchMissiles', '__proto__', 'constructor', 'toString', 'hasOwnProperty', ''];

/** A plausible or hostile value for each card field. */
const plausible = {
  planId: fc.oneof(fc.constant(PLAN), fc.constant('southend-2016'), hostileValue),
  ref: fc.oneof(fc.constantFrom(REF, '1.1', '3.2', '2.4.1'), hostileValue),
  seq: fc.oneof(fc.constantFrom('', '1', 1), hostileValue),
  version: fc.oneof(fc.constantFrom('1', 1, '2', '0'), hostileValue),
  status: fc.oneof(fc.constantFrom('complete', 'on_track', 'some_issues', 'not_on_track', 'not_started', 'bau'), hostileValue),
  rag: fc.oneof(fc.constantFrom('auto', 'green', 'amber', 'red'), hostileValue),
  commentary: fc.oneof(hostileString, hostileValue),
  evidenceUrl: fc.oneof(fc.constantFrom('https://intranet.example/evidence.pdf', 'javascript:alert(1)', 'http://x'), hostileValue),
  revisedDue: fc.oneof(fc.constantFrom('2022-03-31', '2021-02-30', '31/03/2022'), hostileValue),
  revisedDueReason: hostileValue,
  note: hostileValue,
  q: hostileValue,
  page: hostileValue,
};
type Field = keyof typeof plausible;

const cardData = fc
  .tuple(fc.subarray(Object.keys(plausible) as Field[]), fc.array(fc.tuple(fc.constantFrom(...KEYS), hostileValue), { maxLength: 3 }))
  .chain(([fields, extra]) =>
    fc.tuple(fc.tuple(...fields.map((f) => plausible[f].map((v) => [f, v] as [string, unknown]))), fc.constant(extra)),
  )
  .map(([fields, extra]) => ownObject([...fields, ...extra]));

/**
 * One field that no valid update can have, so a write verb from the owner can never succeed:
 * a version other than 1 (every item is still at version 1, as nothing is ever written), a plan
 * that is not the seeded one, a status or RAG outside the scale, a seq the schema refuses, or
 * commentary over the limit.
 */
const poison: fc.Arbitrary<[string, unknown]> = fc.oneof(
  hostileValue.filter((v) => asNumber(v) !== 1).map((v): [string, unknown] => ['version', v]),
  hostileValue.filter((v) => v !== PLAN).map((v): [string, unknown] => ['planId', v]),
  // Optional fields: the poison must be a primitive, as the bot drops nested values from card data (which would leave the field absent, and valid).
  hostileValue.filter((v) => isPrimitive(v) && !['complete', 'on_track', 'some_issues', 'not_on_track', 'not_started', 'bau'].includes(v as string)).map((v): [string, unknown] => ['status', v]),
  hostileValue.filter((v) => isPrimitive(v) && !['auto', 'green', 'amber', 'red'].includes(v as string)).map((v): [string, unknown] => ['rag', v]),
  hostileValue
    .filter((v) => isPrimitive(v) && v !== '' && !(Number.isInteger(asNumber(v)) && asNumber(v) >= 1 && asNumber(v) <= 999))
    .map((v): [string, unknown] => ['seq', v]),
  fc.constantFrom('x', '👩‍👩‍👧', "' or 1 eq 1").map((u): [string, unknown] => ['commentary', u.repeat(MAX_COMMENTARY + 1)]),
);

interface Request {
  label: string;
  body: string;
  contentType: string;
  /** The JSON activity's type, when the body is one. */
  activityType?: unknown;
}

let activityCounter = 0;

function envelope(from: Person | 'none' | Record<string, unknown>, serviceUrl: string): Record<string, unknown> {
  const a: Record<string, unknown> = {
    channelId: 'msteams',
    serviceUrl,
    timestamp: '2026-11-22T10:00:00.000Z', // fixed: nothing may depend on when the test runs
    id: `fuzz-${++activityCounter}`,
    recipient: { id: '28:bot-id', name: 'Improvement Plan' },
    channelData: { tenant: { id: TENANT } },
    locale: 'en-GB',
  };
  if (from !== 'none') {
    const p = from as Person;
    a.from = { id: p.id ?? `29:${p.aadObjectId}`, name: p.name, aadObjectId: p.aadObjectId };
    const known = p === ROSA || p === JORDAN || p === STRANGER;
    a.conversation = { id: known ? `a:personal-${p.aadObjectId}` : `a:personal-forged-${activityCounter}`, conversationType: 'personal', tenantId: TENANT };
  } else {
    a.conversation = { id: 'a:personal-nobody', conversationType: 'personal', tenantId: TENANT };
  }
  return a;
}

const isDirectoryPerson = (from: unknown) => from === ROSA || from === JORDAN;

function applyMutations(a: Record<string, unknown>, mutations: Mutation[]): Record<string, unknown> {
  for (const m of mutations) {
    if (m.remove) delete a[m.field];
    else Object.defineProperty(a, m.field, { value: m.value, enumerable: true, writable: true, configurable: true });
  }
  return a;
}

function requestArb(serviceUrl: string): fc.Arbitrary<Request> {
  const message = fc
    .record({ from: sender, text: fc.oneof({ weight: 4, arbitrary: hostileString }, { weight: 1, arbitrary: hostileValue }), mutations, where: fc.constantFrom('personal', 'channel', 'groupChat') })
    .map(({ from, text, mutations, where }) => {
      // A directory person typing something that reads as an update is a valid update; the fuzzer sends those from a stranger.
      const sender = isDirectoryPerson(from) && typeof text === 'string' && parseIntent(text).kind === 'update' ? STRANGER : from;
      const a = envelope(sender, serviceUrl);
      a.type = 'message';
      a.text = text;
      if (where !== 'personal') {
        a.conversation = { id: where === 'channel' ? '19:plan-channel@thread.tacv2;messageid=1' : '19:group@thread.v2', conversationType: where, isGroup: true, tenantId: TENANT };
        a.entities = [{ type: 'mention', text: '<at>Improvement Plan</at>', mentioned: { id: '28:bot-id', name: 'Improvement Plan' } }];
        if (typeof text === 'string') a.text = `<at>Improvement Plan</at> ${text}`;
      }
      return { label: `message from ${who(sender)}`, activity: applyMutations(a, mutations) };
    });

  const invoke = fc
    .record({
      from: sender,
      name: fc.oneof({ weight: 5, arbitrary: fc.constant<unknown>('adaptiveCard/action') }, { weight: 1, arbitrary: fc.oneof(fc.constantFrom<unknown>('composeExtension/query', 'task/fetch', 'signin/verifyState', 'fileConsent/invoke', 'actionableMessage/executeAction'), hostileValue) }),
      verb: fc.oneof({ weight: 4, arbitrary: fc.constantFrom<unknown>(...VERBS) }, { weight: 1, arbitrary: hostileValue }),
      actionType: fc.oneof({ weight: 5, arbitrary: fc.constant<unknown>('Action.Execute') }, { weight: 1, arbitrary: hostileValue }),
      data: fc.oneof({ weight: 4, arbitrary: cardData }, { weight: 1, arbitrary: hostileValue }),
      poison,
      valueShape: fc.oneof({ weight: 6, arbitrary: fc.constant('normal') }, { weight: 1, arbitrary: fc.constantFrom('missing', 'hostile', 'noAction') }),
      hostileValue,
      mutations,
    })
    .map((r) => {
      let data = r.data;
      const canWrite = typeof r.verb === 'string' && WRITE_VERBS.includes(r.verb);
      if (canWrite && data && typeof data === 'object' && !Array.isArray(data)) {
        data = ownObject([...Object.entries(data as Record<string, unknown>).filter(([k]) => k !== r.poison[0]), r.poison]);
      }
      const a = envelope(r.from, serviceUrl);
      a.type = 'invoke';
      a.name = r.name;
      if (r.valueShape === 'normal') a.value = { action: { type: r.actionType, verb: r.verb, data }, trigger: 'manual' };
      else if (r.valueShape === 'hostile') a.value = r.hostileValue;
      else if (r.valueShape === 'noAction') a.value = { trigger: 'manual', data };
      return { label: `invoke ${show(r.verb)} from ${who(r.from)}`, activity: applyMutations(a, r.mutations) };
    });

  const other = fc
    .record({
      from: sender,
      type: fc.oneof(
        fc.constantFrom<unknown>('conversationUpdate', 'installationUpdate', 'messageReaction', 'messageUpdate', 'messageDelete', 'event', 'typing', 'endOfConversation', 'handoff', 'trace', 'command', 'x'.repeat(300)),
        hostileValue,
      ),
      mutations,
    })
    .map(({ from, type, mutations }) => {
      const a = envelope(from, serviceUrl);
      Object.defineProperty(a, 'type', { value: type, enumerable: true, writable: true, configurable: true });
      return { label: `${show(type)} activity`, activity: applyMutations(a, mutations) };
    });

  const envelopeBroken = fc
    .record({ base: fc.oneof(message, invoke), serviceUrl: hostileServiceUrl })
    .map(({ base, serviceUrl: s }) => {
      const activity = { ...base.activity };
      if (s === undefined) delete activity.serviceUrl;
      else activity.serviceUrl = s;
      return { label: `${base.label}, serviceUrl ${JSON.stringify(s)}`, activity };
    });

  const asJson = fc.oneof(
    { weight: 4, arbitrary: message },
    { weight: 4, arbitrary: invoke },
    { weight: 2, arbitrary: other },
    { weight: 1, arbitrary: envelopeBroken },
  ).map(({ label, activity }): Request => ({ label, body: JSON.stringify(activity), contentType: 'application/json', activityType: activity.type }));

  const raw = fc
    .record({
      body: fc.oneof(
        fc.constantFrom('', '{', '}', 'null', '[]', '[{"type":"message"}]', '"message"', '123', 'true', '{"type":', '{"type":"message",}', '\u0000', '\ufeff{}', '{"__proto__":{"polluted":true},"type":"message","text":"hi"}', '{"constructor":{"prototype":{"polluted":true}},"type":"message"}'),
        fc.string({ unit: 'binary', maxLength: 200 }),
        hostileValue.map((v) => JSON.stringify(v) ?? 'undefined'),
        deepArray.map((v) => JSON.stringify({ type: 'message', text: 'hi', value: v })),
        huge,
      ),
      contentType: fc.constantFrom('application/json', 'application/json; charset=utf-16', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/octet-stream', ''),
    })
    .map(({ body, contentType }): Request => ({ label: `raw ${contentType || 'no content-type'} body`, body, contentType }));

  return fc.oneof({ weight: 6, arbitrary: asJson }, { weight: 1, arbitrary: raw });
}

/** A short printable form of any generated value (String() throws on an object with a non-callable toString). */
function show(v: unknown): string {
  return (typeof v === 'string' ? v : (JSON.stringify(v) ?? typeof v)).slice(0, 30);
}

function who(from: unknown): string {
  if (from === ROSA) return 'Rosa (owner)';
  if (from === JORDAN) return 'Jordan (manager)';
  if (from === STRANGER) return 'a stranger';
  if (from === 'none') return 'nobody';
  return 'a forged identity';
}

// ------------------------------------------------------------------------------------------------

describe('fuzzing /api/messages with malformed activities and card payloads', function () {
  this.timeout(300_000);
  let h: Harness;
  const turnFailures: string[] = [];
  const processErrors: unknown[] = [];
  const onProcessError = (err: unknown) => processErrors.push(err);

  before(async () => {
    h = await startHarness({ today: '2021-11-15' });
    await seedFixtures(h.bot.services, ['southend2021']);
    // Record every turn that ended in the error handler (the logger is silent in tests).
    const logger = h.bot.logger as unknown as { error: (obj: unknown, msg?: string) => void };
    logger.error = (obj: unknown, msg?: string) => {
      if (msg === 'turn failed') {
        const o = obj as { err?: Error; activityType?: string };
        turnFailures.push(`${o.activityType}: ${o.err?.stack?.split('\n').slice(0, 3).join(' | ')}`);
      }
    };
    process.on('uncaughtException', onProcessError);
    process.on('unhandledRejection', onProcessError);
  });
  after(async () => {
    process.off('uncaughtException', onProcessError);
    process.off('unhandledRejection', onProcessError);
    await h?.stop();
  });

  it(`answers ${RUNS * BATCH} hostile requests without a 5xx or a failed turn, and writes nothing to the plan`, async () => {
    const guarded = ['Plans', 'PlanItems', 'Directory', 'Kpis'];
    const before = await snapshotStore(h.azurite.connectionString, { tables: guarded });
    const protoKeys = Object.getOwnPropertyNames(Object.prototype).sort();
    const statuses = new Map<number, number>();
    let sent = 0;
    const started = Date.now();

    await fc.assert(
      fc.asyncProperty(fc.array(requestArb(h.stub.url), { minLength: BATCH, maxLength: BATCH }), async (batch) => {
        const answers = await Promise.all(
          batch.map((r) => postRaw(h.url, r.body, r.contentType ? { 'content-type': r.contentType } : {}).then((a): [Request, Answer] => [r, a])),
        );
        for (const [r, a] of answers) {
          sent++;
          statuses.set(a.status, (statuses.get(a.status) ?? 0) + 1);
          const unhandledInvoke = a.status === 501 && r.activityType === 'invoke';
          assert.ok(a.status < 500 || unhandledInvoke, `${r.label} answered ${a.status}: ${a.text.slice(0, 200)}\nbody: ${r.body.slice(0, 400)}`);
          const invokeBody = a.body as { statusCode?: number } | undefined;
          assert.ok(!(r.activityType === 'invoke' && a.status === 200 && (invokeBody?.statusCode ?? 0) >= 500), `${r.label}: the turn failed: ${a.text.slice(0, 300)}\nbody: ${r.body.slice(0, 400)}`);
        }
        assert.deepEqual(turnFailures, [], `turns failed in this batch:\n${batch.map((r) => `${r.label}: ${r.body.slice(0, 300)}`).join('\n')}`);
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: true },
    );
    const elapsed = Date.now() - started;
    console.log(`      ${sent} requests in ${(elapsed / 1000).toFixed(1)} s; statuses ${JSON.stringify(Object.fromEntries([...statuses].sort()))}`);

    assert.ok(sent >= 5000, `at least 5,000 requests (sent ${sent})`);
    // Most must get past the envelope check, or this would only be testing the 400 path.
    assert.ok((statuses.get(200) ?? 0) + (statuses.get(501) ?? 0) >= sent * 0.4, 'at least 40% of requests reached the handlers');
    assert.deepEqual(processErrors, [], 'no uncaught exception or unhandled rejection');
    const health = await fetch(`http://127.0.0.1:${h.bot.port}/healthz`);
    assert.equal(health.status, 200, 'the server is still up');
    assert.equal((await fetch(`http://127.0.0.1:${h.bot.port}/readyz`)).status, 200, 'and still reaches storage');

    assert.deepEqual(snapshotDiff(before, await snapshotStore(h.azurite.connectionString, { tables: guarded })), [], 'plans, items, history, directory and KPIs unchanged');
    assert.equal((await h.bot.services.plans.listHistory(PLAN, REF, 10)).length, 0);
    assert.equal((await h.bot.services.plans.getItemForUpdate(PLAN, REF))!.item.version, 1);
    assert.deepEqual(Object.getOwnPropertyNames(Object.prototype).sort(), protoKeys, 'Object.prototype was not polluted');
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });
});
