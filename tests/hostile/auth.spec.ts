import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { Writable } from 'node:stream';
import pino from 'pino';
import { loadConfig } from '../../config/loadConfig';
import { startHarness, cardText, ROSA, type Harness, type InvokeBody } from '../support/botHarness';
import { seedFixtures } from '../support/fixtures';
import { startJwtIssuer, BOT_FRAMEWORK_ISSUER, type JwtIssuer } from '../support/jwtIssuer';
import { KEYS_UNAVAILABLE_MESSAGE } from '../../bot/adapter';
import { PLAN, REF, executeActivity, messageActivity, postJson, snapshotDiff, snapshotStore } from './helpers';

/**
 * With an app id configured, /api/messages must only act on requests Teams signed. The bot's real
 * validator (botframework-connector) is pointed at a local OpenID metadata document and key set
 * (ToBotFromChannelOpenIdMetadataUrl), so tokens can be forged every way an attacker would, with no
 * network. Everything else is the production path: restify, the adapter, storage.
 *
 * Limitation: a reply the bot *sends* (to a message) needs an access token from
 * login.microsoftonline.com, which a test cannot issue (MSAL only accepts an https authority), so the
 * accepted-token case uses a card action, whose reply travels in the HTTP response.
 */
const APP_ID = '0c5f1a44-1d2b-4c3e-9f00-5e1a2b3c4d5e';
const OTHER_APP_ID = 'f00dfeed-0000-4000-8000-000000000001';

describe('authentication of /api/messages', function () {
  this.timeout(120_000);
  let issuer: JwtIssuer;
  let h: Harness;
  const quiet = console.error;

  before(async () => {
    issuer = await startJwtIssuer();
    h = await startHarness({
      today: '2021-11-15',
      env: { MicrosoftAppId: APP_ID, MicrosoftAppPassword: 'test-secret-never-sent', ToBotFromChannelOpenIdMetadataUrl: issuer.metadataUrl },
    });
    await seedFixtures(h.bot.services, ['southend2021']);
    // botbuilder console.errors every refused token (with the public key); keep the test output readable.
    console.error = () => undefined;
  });
  after(async () => {
    console.error = quiet;
    await h?.stop();
    await issuer?.stop();
  });

  const forged = () => messageActivity(ROSA, h.stub.url, 'update 2.4 red: forged by someone who is not Teams');
  const forgedCard = () => executeActivity(ROSA, h.stub.url, 'submitUpdate', { planId: PLAN, ref: REF, seq: '', version: '1', status: 'not_on_track', rag: 'red', commentary: 'forged' });

  it('refuses every request without a valid channel token with 401, and writes and sends nothing', async () => {
    const now = Math.floor(Date.now() / 1000);
    const valid = (overrides = {}) => issuer.claims(APP_ID, h.stub.url, overrides);
    const cases: Array<[string, string | undefined, Record<string, unknown>?]> = [
      ['no Authorization header', undefined],
      ['an empty bearer token', 'Bearer '],
      ['a token in the wrong scheme', `Basic ${issuer.sign(valid())}`],
      ['a token that is not a JWT', 'Bearer not.a.jwt'],
      ['an expired token', `Bearer ${issuer.sign(valid({ nbf: now - 7200, iat: now - 7200, exp: now - 3600 }))}`],
      ['a token not valid for another hour', `Bearer ${issuer.sign(valid({ nbf: now + 3600, iat: now, exp: now + 7200 }))}`],
      ['a token for another bot', `Bearer ${issuer.sign(valid({ aud: OTHER_APP_ID }))}`],
      ['a token with no audience', `Bearer ${issuer.sign(valid({ aud: undefined }))}`],
      ['a token from another issuer', `Bearer ${issuer.sign(valid({ iss: 'https://sts.windows.net/attacker/' }))}`],
      ['a token signed with an unpublished key (bad signature)', `Bearer ${issuer.sign(valid(), { key: 'untrusted' })}`],
      ['a token naming a key that does not exist', `Bearer ${issuer.sign(valid(), { kid: 'no-such-key' })}`],
      ['an unsigned token (alg none)', `Bearer ${issuer.unsigned(valid())}`],
      ['an HMAC token keyed with the public key', `Bearer ${issuer.hmacWithPublicKey(valid())}`],
      ['a valid token whose payload was edited', `Bearer ${tamper(issuer.sign(valid()), { aud: APP_ID, serviceurl: 'http://127.0.0.1:9/' })}`],
      ['a valid token replayed with replies redirected elsewhere', `Bearer ${issuer.sign(valid())}`, { serviceUrl: 'http://127.0.0.1:9/evil/' }],
      ['a valid token for a channel its key may not sign for', `Bearer ${issuer.sign(valid())}`, { channelId: 'webchat' }],
    ];
    const before = await snapshotStore(h.azurite.connectionString);
    const answers: string[] = [];
    for (const [why, authorization, change] of cases) {
      for (const activity of [forged(), forgedCard()]) {
        const headers: Record<string, string> = authorization === undefined ? {} : { authorization };
        const r = await postJson(h.url, { ...activity, ...change }, headers);
        answers.push(`${why} (${activity.type}): ${r.status} ${r.text.slice(0, 100)}`);
      }
    }
    const wrong = answers.filter((a) => !/: 401 /.test(a));
    assert.deepEqual(wrong, [], `every forged request is answered 401:\n${answers.join('\n')}`);
    assert.ok(
      issuer.served.includes('/v1/.well-known/keys'),
      'the validator fetched the local key set, so signatures were really checked against it',
    );

    assert.deepEqual(snapshotDiff(before, await snapshotStore(h.azurite.connectionString)), [], 'no table was written');
    assert.equal((await h.bot.services.plans.listHistory(PLAN, REF, 10)).length, 0, 'no history');
    assert.equal((await h.bot.services.plans.getItemForUpdate(PLAN, REF))!.item.version, 1);
    assert.equal(await h.bot.services.conversations.get('user', ROSA.aadObjectId), undefined, 'no conversation reference');
    assert.deepEqual(h.stub.calls.map((c) => `${c.method} ${c.path}`), [], 'nothing sent to the Bot Connector');
  });

  it('accepts a correctly signed token and applies the change', async () => {
    const token = issuer.sign(issuer.claims(APP_ID, h.stub.url));
    const activity = executeActivity(ROSA, h.stub.url, 'submitUpdate', { planId: PLAN, ref: REF, seq: '', version: '1', status: 'some_issues', rag: 'auto', commentary: 'signed by Teams' });
    const r = await postJson(h.url, activity, { authorization: `Bearer ${token}` });
    assert.equal(r.status, 200, r.text);
    const body = r.body as InvokeBody;
    assert.equal(body.statusCode, 200);
    assert.match(cardText(body.value), /^Amber$/m);
    assert.match(cardText(body.value), /signed by Teams/);
    const history = await h.bot.services.plans.listHistory(PLAN, REF, 10);
    assert.equal(history.length, 1);
    assert.equal(history[0].by, ROSA.aadObjectId);
    assert.equal(history[0].commentary, 'signed by Teams');
    assert.equal((await h.bot.services.plans.getItemForUpdate(PLAN, REF))!.item.version, 2);
  });

  it('refuses start-up when the metadata URL or issuer is not a URL', () => {
    assert.throws(
      () => loadConfig({ MicrosoftAppId: APP_ID, MicrosoftAppPassword: 'x', ToBotFromChannelOpenIdMetadataUrl: 'login.botframework.com/keys', ToBotFromChannelTokenIssuer: 'api.botframework.com' }),
      (err: Error) => /ToBotFromChannelOpenIdMetadataUrl must be an http\(s\) URL/.test(err.message) && /ToBotFromChannelTokenIssuer must be the token issuer URL/.test(err.message),
    );
  });

  it('rejects a token carrying the public-cloud issuer when another issuer is configured', async () => {
    const privateIssuer = 'https://api.botframework.example-sovereign.cloud';
    const h2 = await startHarness({
      today: '2021-11-15',
      env: {
        MicrosoftAppId: APP_ID,
        MicrosoftAppPassword: 'test-secret-never-sent',
        ToBotFromChannelOpenIdMetadataUrl: issuer.metadataUrl,
        ToBotFromChannelTokenIssuer: privateIssuer,
      },
    });
    try {
      await seedFixtures(h2.bot.services, ['southend2021']);
      const card = (commentary: string) =>
        executeActivity(ROSA, h2.stub.url, 'submitUpdate', { planId: PLAN, ref: REF, seq: '', version: '1', status: 'some_issues', rag: 'auto', commentary });
      const publicCloud = issuer.sign(issuer.claims(APP_ID, h2.stub.url, { iss: BOT_FRAMEWORK_ISSUER }));
      const refused = await postJson(h2.url, card('public issuer'), { authorization: `Bearer ${publicCloud}` });
      assert.equal(refused.status, 401, refused.text);
      assert.equal((await h2.bot.services.plans.listHistory(PLAN, REF, 10)).length, 0);
      const sovereign = issuer.sign(issuer.claims(APP_ID, h2.stub.url, { iss: privateIssuer }));
      const accepted = await postJson(h2.url, card('configured issuer'), { authorization: `Bearer ${sovereign}` });
      assert.equal(accepted.status, 200, accepted.text);
      assert.deepEqual(
        (await h2.bot.services.plans.listHistory(PLAN, REF, 10)).map((e) => e.commentary),
        ['configured issuer'],
      );
    } finally {
      await h2.stop();
    }
  });
});

/** A loopback port nothing listens on: bound, then closed, so a connection is refused at once. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('authentication while the OpenID metadata endpoint is unreachable', function () {
  this.timeout(120_000);

  it('answers 503 with Retry-After and no internals, logs the cause, and changes nothing', async () => {
    const issuer = await startJwtIssuer();
    const port = await closedPort();
    const lines: Record<string, unknown>[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        for (const l of chunk.toString('utf8').split('\n').filter(Boolean)) lines.push(JSON.parse(l) as Record<string, unknown>);
        done();
      },
    });
    // botbuilder console.errors the failure itself as well; keep the test output readable.
    const quiet = console.error;
    console.error = () => undefined;
    const h = await startHarness({
      today: '2021-11-15',
      env: { MicrosoftAppId: APP_ID, MicrosoftAppPassword: 'test-secret-never-sent', ToBotFromChannelOpenIdMetadataUrl: `http://127.0.0.1:${port}/v1/.well-known/openidconfiguration` },
      logger: pino({ level: 'error' }, sink),
    });
    try {
      await seedFixtures(h.bot.services, ['southend2021']);
      const before = await snapshotStore(h.azurite.connectionString);
      // A token Teams would have signed: nothing is wrong with the request, only the bot's key source is down.
      const token = issuer.sign(issuer.claims(APP_ID, h.stub.url));
      for (const activity of [
        messageActivity(ROSA, h.stub.url, 'update 2.4 red: sent while the key source was down'),
        executeActivity(ROSA, h.stub.url, 'submitUpdate', { planId: PLAN, ref: REF, seq: '', version: '1', status: 'not_on_track', rag: 'red', commentary: 'down' }),
      ]) {
        const res = await fetch(h.url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify(activity) });
        const body = await res.text();
        assert.equal(res.status, 503, `${activity.type}: ${body}`);
        assert.equal(res.headers.get('retry-after'), '30');
        assert.equal(JSON.parse(body), KEYS_UNAVAILABLE_MESSAGE);
        assert.doesNotMatch(body, /ECONNREFUSED|ENOTFOUND|127\.0\.0\.1|openid|fetch|request to|at \w+ \(/i, 'no internals in the answer');
      }
      const logged = lines.filter((l) => /OpenID metadata or signing keys are unreachable/.test(String(l.msg)));
      assert.equal(logged.length, 2, JSON.stringify(lines).slice(0, 500));
      assert.match(JSON.stringify(logged[0].err), /ECONNREFUSED/, 'the log says why');
      assert.deepEqual(snapshotDiff(before, await snapshotStore(h.azurite.connectionString)), [], 'no table was written');
      assert.deepEqual(h.stub.calls.map((c) => `${c.method} ${c.path}`), [], 'nothing sent to the Bot Connector');
    } finally {
      console.error = quiet;
      await h.stop();
      await issuer.stop();
    }
  });
});

/** Re-encode a signed token's payload with changes, keeping the original header and signature. */
function tamper(token: string, changes: Record<string, unknown>): string {
  const [head, payload, signature] = token.split('.');
  const claims = { ...(JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>), ...changes };
  return `${head}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${signature}`;
}
