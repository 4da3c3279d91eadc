import assert from 'node:assert/strict';
import { startHarness, cardText, cardOf, type Person } from '../support/botHarness';
import { assertValidCard } from '../support/cardValidation';
import { seedFixtures } from '../support/fixtures';
import type { SentActivity } from '../support/connectorStub';
import { startBot } from '../../bot/start';
import { loadConfig } from '../../config/loadConfig';

const PRIYA: Person = { aadObjectId: '6f1c2a10-0002-4c1e-9a51-000000000002', name: 'Priya Raman' };
const CHANNEL = { kind: 'channel' as const, channelId: '19:board-channel@thread.tacv2' };
const ENV = { ADMIN_USER_IDS: PRIYA.aadObjectId, BOARD_PACK_LINK_SECRET: 'schedule-test-secret-0123456789abcdef', BOARD_PACK_BASE_URL: 'https://bot.example.org', BOARD_PACK_DAYS_BEFORE: '3' };
const textOf = (s: SentActivity) => cardText(s.activity.attachments?.[0]?.content ?? {});
const isPack = (s: SentActivity) => /^Board pack: Southend 2021/.test(textOf(s));

describe('board pack on the governance rhythm', function () {
  this.timeout(180_000);

  it('is produced N working days before the meeting and sent once to the channel and each admin, across two instances', async () => {
    const a = await startHarness({ today: '2022-01-07', env: ENV });
    const config = loadConfig({ PORT: '0', STORAGE_CONNECTION_STRING: a.azurite.connectionString, LOG_LEVEL: 'silent', SCHEDULER_ENABLED: 'false', ...ENV });
    const b = await startBot({ ...config, STORAGE_CONNECTION_STRING: a.azurite.connectionString }, { clock: a.clock });
    try {
      await seedFixtures(a.bot.services, ['southend2021']);
      await a.say('hi', { from: PRIYA }); // Priya's personal chat with the bot
      await a.say('link this channel to Southend 2021', { from: PRIYA, where: CHANNEL });
      const set = await a.say('board meeting 14 Jan 2022', { from: PRIYA, where: CHANNEL });
      assert.match(cardText(cardOf(set[0])), /made as at 11 Jan 2022/);
      a.stub.clear();

      const day = async (date: string) => {
        a.clock.set(date);
        const now = new Date(`${date}T09:00:00Z`);
        const ticks = await Promise.all([a.bot, b].map((bot) => bot.scheduler.tick(now)));
        await Promise.all([a.bot, b].map((bot) => bot.worker.drain()));
        return ticks;
      };
      await day('2022-01-10'); // Monday: four working days before, too early
      assert.equal(a.stub.sent().filter(isPack).length, 0, 'nothing before the pack day');

      const ticks = await day('2022-01-11'); // Tuesday: three working days before Friday 14th
      assert.equal(ticks.filter((t) => t.periods.includes('boardPack|southend-2021|2022-01-14')).length, 1, 'exactly one instance planned the pack');
      const packs = a.stub.sent().filter(isPack);
      assert.deepEqual(packs.map((s) => s.conversationId).sort(), [CHANNEL.channelId, `a:personal-${PRIYA.aadObjectId}`].sort());
      for (const s of packs) {
        const card = s.activity.attachments![0].content as { actions?: { type: string; url: string }[] };
        assertValidCard(card);
        const text = textOf(s);
        assert.match(text, /As at 11 Jan 2022 · for Board meeting on 14 Jan 2022/);
        assert.ok(card.actions?.some((x) => x.type === 'Action.OpenUrl' && x.url.startsWith('https://bot.example.org/board-pack/')), 'with the signed link');
      }

      await day('2022-01-12');
      await day('2022-01-13');
      assert.equal(a.stub.sent().filter(isPack).length, 2, 'later ticks before the meeting send nothing more');
    } finally {
      await b.stop();
      await a.stop();
    }
  });
});
