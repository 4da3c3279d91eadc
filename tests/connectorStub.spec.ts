import assert from 'node:assert/strict';
import { ConnectorClient, MicrosoftAppCredentials, TeamsConnectorClient } from 'botframework-connector';
import { ConfigurationServiceClientCredentialFactory, type Activity, type ConversationReference } from 'botbuilder';
import { TeamsAdapter } from '@microsoft/teams-ai';
import { startConnectorStub, type ConnectorStub, type TeamsMember } from './support/connectorStub';

const TENANT = '72f988bf-0000-4000-8000-000000000001';
const CHANNEL_THREAD = '19:abc123@thread.tacv2;messageid=1700000000000';
const TEAM = '19:team0001@thread.tacv2';
const ALICE: TeamsMember = {
  id: '29:1alice',
  name: 'Alice Example',
  aadObjectId: '00000000-0000-0000-0000-00000000a11c',
  email: 'alice@example.gov',
  userPrincipalName: 'alice@example.gov',
  tenantId: TENANT,
  userRole: 'user',
};
const BOB: TeamsMember = { id: '29:1bob', name: 'Bob Example', aadObjectId: '00000000-0000-0000-0000-0000000000b0' };

function message(text: string): Partial<Activity> {
  return { type: 'message', text };
}

/** The SDK client a bot without an app id uses: it signs nothing. */
function connectorFor(stub: ConnectorStub): ConnectorClient {
  return new ConnectorClient(new MicrosoftAppCredentials('', ''), { baseUri: stub.url });
}

/** For asserting exact statuses and headers, which the SDK client's retry policy would hide. */
function post(stub: ConnectorStub, path: string, body: string): Promise<Response> {
  return fetch(new URL(path, stub.url), { method: 'POST', headers: { 'Content-Type': 'application/json' }, body });
}

async function rejection(promise: Promise<unknown>): Promise<{ statusCode?: number; code?: string }> {
  try {
    await promise;
  } catch (error) {
    return error as { statusCode?: number; code?: string };
  }
  assert.fail('expected the call to be rejected');
}

describe('connector stub', () => {
  let stub: ConnectorStub;
  let client: ConnectorClient;

  beforeEach(async () => {
    stub = await startConnectorStub({
      members: { [CHANNEL_THREAD]: [ALICE, BOB], [TEAM]: [ALICE, BOB] },
      teams: { [TEAM]: { name: 'Improvement Board', aadGroupId: 'group-1', channels: [{ id: '19:ch2@thread.tacv2', name: 'Risks' }] } },
    });
    client = connectorFor(stub);
  });

  afterEach(async () => {
    await stub.stop();
  });

  describe('with the real ConnectorClient', () => {
    it('accepts sendToConversation, assigns an id and records the activity unsigned', async () => {
      const response = await client.conversations.sendToConversation(CHANNEL_THREAD, message('hello') as Activity);

      assert.match(response.id ?? '', /^\d+$/);
      const [sent] = stub.sent();
      assert.equal(sent.id, response.id);
      assert.equal(sent.via, 'sendToConversation');
      assert.equal(sent.conversationId, CHANNEL_THREAD);
      assert.equal(sent.activity.text, 'hello');
      assert.equal(sent.activity.id, response.id);
      assert.ok(sent.bodyBytes > 0);
      const [call] = stub.calls;
      assert.equal(call.method, 'POST');
      assert.equal(call.path, `/v3/conversations/${CHANNEL_THREAD}/activities`);
      assert.equal(call.route, 'sendToConversation');
      assert.equal(call.status, 201);
      assert.equal(call.authorization, undefined);
      assert.match(String(call.headers['user-agent']), /botframework-connector/);
    });

    it('records replyToActivity with the replied-to id', async () => {
      const response = await client.conversations.replyToActivity(CHANNEL_THREAD, 'incoming-1', message('reply') as Activity);

      const [sent] = stub.sent();
      assert.equal(sent.id, response.id);
      assert.equal(sent.via, 'replyToActivity');
      assert.equal(sent.replyToId, 'incoming-1');
      assert.equal(stub.calls[0].activityId, 'incoming-1');
    });

    it('updates and deletes activities it issued, and 404s ones it did not', async () => {
      const { id } = await client.conversations.sendToConversation(CHANNEL_THREAD, message('v1') as Activity);
      assert.ok(id);

      const updated = await client.conversations.updateActivity(CHANNEL_THREAD, id, { ...message('v2'), id } as Activity);
      assert.equal(updated.id, id);
      await client.conversations.deleteActivity(CHANNEL_THREAD, id);

      assert.deepEqual(
        stub.updates().map((u) => [u.conversationId, u.activityId, u.activity.text]),
        [[CHANNEL_THREAD, id, 'v2']],
      );
      assert.deepEqual(
        stub.deletes().map((d) => [d.conversationId, d.activityId]),
        [[CHANNEL_THREAD, id]],
      );
      const gone = await rejection(client.conversations.updateActivity(CHANNEL_THREAD, id, message('v3') as Activity));
      assert.equal(gone.statusCode, 404);
      assert.equal(gone.code, 'ActivityNotFoundInConversation');
      const never = await rejection(client.conversations.deleteActivity(CHANNEL_THREAD, 'never-sent'));
      assert.equal(never.statusCode, 404);
    });

    it('creates 1:1 conversations (same id for the same user) and channel threads', async () => {
      const parameters = {
        isGroup: false,
        bot: { id: '28:bot', name: 'Bot' },
        members: [{ id: ALICE.id, name: '' }],
        tenantId: TENANT,
        channelData: { tenant: { id: TENANT } },
      };
      const first = await client.conversations.createConversation(parameters);
      const again = await client.conversations.createConversation(parameters);
      assert.match(first.id ?? '', /^a:1/);
      assert.equal(again.id, first.id);
      assert.equal(first.serviceUrl, stub.url);
      // The new 1:1 roster is the known member, so a later member lookup sees her details.
      assert.equal((await client.conversations.getConversationMember(first.id ?? '', ALICE.id)).name, ALICE.name);

      const thread = await client.conversations.createConversation({
        isGroup: true,
        bot: { id: '28:bot', name: 'Bot' },
        channelData: { channel: { id: '19:ch2@thread.tacv2' }, tenant: { id: TENANT } },
        activity: message('New risk raised') as Activity,
      });
      assert.ok(thread.activityId);
      assert.equal(thread.id, `19:ch2@thread.tacv2;messageid=${thread.activityId}`);
      const rootMessage = stub.sent({ conversationId: thread.id });
      assert.deepEqual(
        rootMessage.map((s) => [s.id, s.via, s.activity.text]),
        [[thread.activityId, 'createConversation', 'New risk raised']],
      );
      assert.deepEqual(
        stub.createdConversations().map((c) => c.id),
        [first.id, first.id, thread.id],
      );

      const noTenant = await rejection(client.conversations.createConversation({ ...parameters, tenantId: undefined, channelData: {} }));
      assert.equal(noTenant.statusCode, 400);
    });

    it('serves rosters, single members by user id or AAD id, and pages', async () => {
      const members = await client.conversations.getConversationMembers(CHANNEL_THREAD);
      assert.deepEqual(
        members.map((m) => m.id),
        [ALICE.id, BOB.id],
      );
      // Teams' v3 roster carries objectId, which botbuilder's TeamsInfo copies to aadObjectId.
      assert.equal((members[0] as unknown as { objectId: string }).objectId, ALICE.aadObjectId);

      const byId = await client.conversations.getConversationMember(CHANNEL_THREAD, ALICE.id);
      const byAad = await client.conversations.getConversationMember(CHANNEL_THREAD, ALICE.aadObjectId ?? '');
      assert.equal(byId.name, ALICE.name);
      assert.equal(byAad.id, ALICE.id);
      assert.equal((byId as unknown as TeamsMember).email, ALICE.email);

      const missing = await rejection(client.conversations.getConversationMember(CHANNEL_THREAD, '29:nobody'));
      assert.equal(missing.statusCode, 404);
      assert.equal(missing.code, 'MemberNotFoundInConversation');

      // The generated options type marks continuationToken required, though the first page has none.
      const firstPage = { pageSize: 1 } as { pageSize: number; continuationToken: string };
      const page1 = await client.conversations.getConversationPagedMembers(CHANNEL_THREAD, firstPage);
      assert.deepEqual(
        page1.members?.map((m) => m.id),
        [ALICE.id],
      );
      assert.ok(page1.continuationToken);
      const page2 = await client.conversations.getConversationPagedMembers(CHANNEL_THREAD, {
        pageSize: 1,
        continuationToken: page1.continuationToken,
      });
      assert.deepEqual(
        page2.members?.map((m) => m.id),
        [BOB.id],
      );
      assert.equal(page2.continuationToken, undefined);
      assert.deepEqual(
        stub.calls.map((c) => c.route),
        [
          'getConversationMembers',
          'getConversationMember',
          'getConversationMember',
          'getConversationMember',
          'getConversationPagedMembers',
          'getConversationPagedMembers',
        ],
      );
    });

    it('serves Teams team details and channel lists to TeamsConnectorClient', async () => {
      const teamsClient = new TeamsConnectorClient(new MicrosoftAppCredentials('', ''), { baseUri: stub.url });

      const details = await teamsClient.teams.fetchTeamDetails(TEAM);
      assert.equal(details.name, 'Improvement Board');
      assert.equal(details.aadGroupId, 'group-1');
      assert.equal(details.memberCount, 2);
      const channels = await teamsClient.teams.fetchChannelList(TEAM);
      assert.deepEqual(
        channels.conversations?.map((c) => c.id),
        [TEAM, '19:ch2@thread.tacv2'],
      );
      const unknown = await rejection(teamsClient.teams.fetchTeamDetails('19:nope@thread.tacv2'));
      assert.equal(unknown.statusCode, 404);
    });

    it("is what the bot's TeamsAdapter talks to when it has no app id", async () => {
      const auth = { MicrosoftAppId: '', MicrosoftAppPassword: '', MicrosoftAppType: 'MultiTenant', MicrosoftAppTenantId: '' };
      const adapter = new TeamsAdapter(auth, new ConfigurationServiceClientCredentialFactory(auth));
      const reference: Partial<ConversationReference> = {
        channelId: 'msteams',
        serviceUrl: stub.url,
        conversation: { id: 'a:1personal', isGroup: false, conversationType: 'personal', name: '' },
        bot: { id: '28:bot', name: 'Bot' },
        user: { id: ALICE.id, name: ALICE.name ?? '' },
      };

      await adapter.continueConversationAsync('', reference, async (context) => {
        await context.sendActivity('Reminder: milestone due Friday');
      });

      const sent = await stub.waitFor((s) => s.activity.text === 'Reminder: milestone due Friday');
      assert.equal(sent.conversationId, 'a:1personal');
      assert.equal(stub.calls[0].authorization, undefined);
    });
  });

  describe('validation', () => {
    it('answers 400 with an ErrorResponse for a missing type or non-JSON body, and records the size', async () => {
      const noType = await post(stub, `v3/conversations/${encodeURIComponent(CHANNEL_THREAD)}/activities`, '{"text":"x"}');
      assert.equal(noType.status, 400);
      const noTypeBody = (await noType.json()) as { error: { code: string; message: string } };
      assert.equal(noTypeBody.error.code, 'BadArgument');
      assert.ok(noTypeBody.error.message);

      const notJson = await post(stub, 'v3/conversations/c1/activities', 'not json');
      assert.equal(notJson.status, 400);
      assert.equal(((await notJson.json()) as { error: { code: string } }).error.code, 'BadSyntax');

      assert.deepEqual(
        stub.calls.map((c) => [c.status, c.bodyBytes]),
        [
          [400, 12],
          [400, 8],
        ],
      );
      assert.equal(stub.sent().length, 0);
      assert.deepEqual(stub.counters, { accepted: 0, throttled: 0, failed: 2 });
    });

    it('only answers below its base path, as a real service URL with a path would', async () => {
      const outside = await fetch(new URL(`/v3/conversations/c1/activities`, stub.url), {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(message('x')),
      });
      assert.equal(outside.status, 404);
      assert.equal(stub.calls[0].route, 'unknown');
    });
  });

  describe('waitFor', () => {
    it('resolves on a message that arrives later, and rejects with what it saw on timeout', async () => {
      const waiting = stub.waitFor((s) => s.activity.text === 'proactive', 2_000);
      setTimeout(() => {
        void client.conversations.sendToConversation('a:1x', message('proactive') as Activity);
      }, 50);
      assert.equal((await waiting).conversationId, 'a:1x');

      await assert.rejects(stub.waitFor((s) => s.activity.text === 'never', 100), /nothing matched within 100 ms.*proactive/);
    });
  });

  describe('faults and rate limits', () => {
    it("throttles a conversation beyond Teams' 7 per second with 429 and Retry-After", async () => {
      stub.setFaults({ rateLimit: true });

      const statuses: number[] = [];
      let retryAfter: string | null = null;
      for (let i = 0; i < 10; i++) {
        const response = await post(stub, 'v3/conversations/a%3A1busy/activities', JSON.stringify(message(`m${i}`)));
        statuses.push(response.status);
        if (response.status === 429) {
          retryAfter = response.headers.get('retry-after');
          assert.equal(((await response.json()) as { error: { code: string } }).error.code, 'Throttled');
        }
      }

      assert.deepEqual(statuses, [201, 201, 201, 201, 201, 201, 201, 429, 429, 429]);
      assert.equal(retryAfter, '1');
      assert.deepEqual(stub.counters, { accepted: 7, throttled: 3, failed: 0 });
      assert.equal(stub.sent().length, 7);
      // Another conversation has its own thread budget.
      assert.equal((await post(stub, 'v3/conversations/a%3A1other/activities', JSON.stringify(message('x')))).status, 201);
    });

    it('lets the SDK client deliver a burst by honouring Retry-After', async () => {
      stub.setFaults({ rateLimit: true });

      const started = Date.now();
      await Promise.all(
        Array.from({ length: 10 }, (_, i) => client.conversations.sendToConversation('a:1burst', message(`m${i}`) as Activity)),
      );

      assert.equal(stub.sent().length, 10);
      assert.equal(stub.counters.accepted, 10);
      assert.ok(stub.counters.throttled >= 3, `throttled ${stub.counters.throttled}`);
      // 8 per 2 s means the last two cannot land before the first ones leave that window.
      assert.ok(Date.now() - started >= 2_000);
      const accepted = stub.calls.filter((c) => c.status === 201).map((c) => c.at);
      for (let i = 8; i < accepted.length; i++) assert.ok(accepted[i] - accepted[i - 8] >= 2_000);
    });

    it('injects a queued 429 with Retry-After, which the SDK client waits out and retries', async () => {
      stub.enqueueFaults({ status: 429, retryAfterSeconds: 1 });

      const response = await client.conversations.sendToConversation('a:1x', message('after backoff') as Activity);

      assert.ok(response.id);
      const [throttled, retried] = stub.calls;
      assert.equal(throttled.status, 429);
      assert.equal(throttled.fault, 'injected');
      assert.deepEqual(throttled.responseBody, { error: { code: 'Throttled', message: 'Too many requests.' } });
      assert.equal(retried.status, 201);
      assert.ok(retried.at - throttled.at >= 1_000, `retried after ${retried.at - throttled.at} ms`);
      assert.deepEqual(stub.counters, { accepted: 1, throttled: 1, failed: 0 });

      stub.enqueueFaults({ status: 429, retryAfterSeconds: 7 });
      const raw = await post(stub, 'v3/conversations/a%3A1x/activities', JSON.stringify(message('x')));
      assert.equal(raw.status, 429);
      assert.equal(raw.headers.get('retry-after'), '7');
    });

    it('answers 403 for a conversation whose user uninstalled the bot, without retries', async () => {
      stub.setFaults({ decide: (request) => (request.conversationId === 'a:1gone' ? { status: 403 } : undefined) });

      const error = await rejection(client.conversations.sendToConversation('a:1gone', message('hello?') as Activity));
      await client.conversations.sendToConversation('a:1here', message('hello') as Activity);

      assert.equal(error.statusCode, 403);
      assert.equal(error.code, 'BotNotInConversationRoster');
      assert.deepEqual(
        stub.calls.map((c) => [c.conversationId, c.status]),
        [
          ['a:1gone', 403],
          ['a:1here', 201],
        ],
      );
      assert.deepEqual(stub.counters, { accepted: 1, throttled: 0, failed: 1 });
    });
  });
});
