import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import ExcelJS from 'exceljs';
import { startHarness, cardOf, cardText, JORDAN, ROSA, STRANGER, TENANT, type Harness, type Person } from '../support/botHarness';
import { assertValidCard } from '../support/cardValidation';
import { seedFixtures } from '../support/fixtures';
import { startUploadStub, type UploadStub } from '../support/uploadStub';
import { summary } from '../../services/planQueries';
import { cardBytes } from '../../cards/render';

const PRIYA: Person = { aadObjectId: '6f1c2a10-0002-4c1e-9a51-000000000002', name: 'Priya Raman' };
const SECRET = 'test-secret-for-board-pack-links-0123456789';
const CHANNEL = { kind: 'channel' as const, channelId: '19:board-channel@thread.tacv2' };
const FILE_CONSENT = 'application/vnd.microsoft.teams.card.file.consent';
const FILE_INFO = 'application/vnd.microsoft.teams.card.file.info';

describe('board pack in Teams: highlight card, file consent, signed links, board meeting', function () {
  this.timeout(180_000);
  let h: Harness;
  let upload: UploadStub;

  before(async () => {
    upload = await startUploadStub();
    h = await startHarness({
      today: '2021-12-20',
      env: { ADMIN_USER_IDS: PRIYA.aadObjectId, BOARD_PACK_LINK_SECRET: SECRET, BOARD_PACK_BASE_URL: 'https://bot.example.org', BOARD_PACK_LINK_TTL_HOURS: '48', BOARD_PACK_DAYS_BEFORE: '3' },
    });
    await seedFixtures(h.bot.services, ['southend2021']);
  });
  after(async () => {
    await h?.stop();
    await upload?.stop();
  });

  /** A fileConsent/invoke from Jordan's personal chat, as Teams sends it. */
  const consentInvoke = (action: 'accept' | 'decline', context: unknown, uploadInfo?: object) =>
    h.post({
      type: 'invoke',
      name: 'fileConsent/invoke',
      id: randomUUID(),
      channelId: 'msteams',
      serviceUrl: h.stub.url,
      timestamp: new Date().toISOString(),
      from: { id: `29:${JORDAN.aadObjectId}`, name: JORDAN.name, aadObjectId: JORDAN.aadObjectId },
      recipient: { id: '28:bot-id', name: 'Improvement Plan' },
      conversation: { id: `a:personal-${JORDAN.aadObjectId}`, conversationType: 'personal', tenantId: TENANT },
      channelData: { tenant: { id: TENANT } },
      replyToId: 'consent-card-1',
      value: { type: 'fileUpload', action, context, uploadInfo },
    });

  const botPath = (url: string) => `http://127.0.0.1:${h.bot.port}${new URL(url).pathname}`;

  it('refuses people who are neither managers nor administrators', async () => {
    for (const who of [ROSA, STRANGER]) {
      const sent = await h.say('board pack', { from: who });
      assert.equal(sent.length, 1);
      assert.match(cardText(cardOf(sent[0])), /Board packs are for administrators and managers/);
    }
  });

  it('gives a manager in personal chat the highlight card, then the workbook through file consent', async () => {
    const sent = await h.say('board pack', { from: JORDAN });
    assert.equal(sent.length, 2, JSON.stringify(sent.map((s) => s.activity.attachments?.[0]?.contentType)));
    const card = cardOf(sent[0]);
    assertValidCard(card);
    assert.ok(cardBytes(card) < 24 * 1024, `card is ${cardBytes(card)} bytes`);
    const text = cardText(card);
    const [s] = await summary(h.bot.services, { planId: 'southend-2021' });
    assert.match(text, /Board pack: Southend 2021/);
    assert.match(text, /As at 20 Dec 2021/);
    assert.match(text, new RegExp(`Actions\\n${s.actions}\\n`));
    assert.match(text, new RegExp(`Overdue\\n${s.overdue}\\n`));
    assert.match(text, /First pack of this plan/);
    assert.match(text, /KPIs: going well \(\d+\)/);
    assert.match(text, /KPIs: things to do better \(\d+\)/);
    assert.match(text, /The workbook \(XLSX\) follows/);

    const consent = sent[1].activity.attachments![0];
    assert.equal(consent.contentType, FILE_CONSENT);
    assert.equal(consent.name, 'Southend 2021 board pack 2021-12-20.xlsx');
    const content = consent.content as { sizeInBytes: number; acceptContext: { planId: string; asAt: string }; description: string };
    assert.ok(content.sizeInBytes > 1000);
    assert.deepEqual(content.acceptContext, { kind: 'boardPack', planId: 'southend-2021', asAt: '2021-12-20' });

    h.stub.clear();
    const started = Date.now();
    const res = await consentInvoke('accept', content.acceptContext, {
      name: consent.name,
      uploadUrl: `${upload.url}/upload/session-1`,
      contentUrl: 'https://contoso-my.sharepoint.com/personal/jordan/Documents/Applications/Improvement%20Plan/pack.xlsx',
      uniqueId: 'file-unique-1',
      fileType: 'xlsx',
    });
    assert.equal(res.status, 200);
    assert.ok(Date.now() - started < 15_000, 'the invoke is answered within Teams’ 15 s');
    const info = await h.stub.waitFor((x) => x.activity.attachments?.[0]?.contentType === FILE_INFO, 20_000);
    assert.equal(info.conversationId, `a:personal-${JORDAN.aadObjectId}`);
    assert.deepEqual(info.activity.attachments![0].content, { uniqueId: 'file-unique-1', fileType: 'xlsx' });
    assert.match(String(info.activity.text), /board pack workbook for Southend 2021, as at 20 Dec 2021/);
    assert.equal(upload.uploads.length, 1);
    assert.equal(upload.uploads[0].path, '/upload/session-1');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(upload.uploads[0].body as unknown as ArrayBuffer);
    assert.deepEqual(wb.worksheets.map((w) => w.name), ['Summary', 'Exceptions', 'Actions', 'KPIs']);
    assert.equal(wb.getWorksheet('Summary')!.getCell('C2').value, 'Southend 2021');
  });

  it('answers a declined consent politely and uploads nothing', async () => {
    const before = upload.uploads.length;
    h.stub.clear();
    const res = await consentInvoke('decline', { kind: 'boardPack', planId: 'southend-2021', asAt: '2021-12-20' });
    assert.equal(res.status, 200);
    const replies = h.stub.sent();
    assert.equal(replies.length, 1);
    assert.match(String(replies[0].activity.text), /No problem: I have not sent the workbook/);
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(upload.uploads.length, before);
  });

  it('tells the user when the upload fails, instead of going quiet', async () => {
    upload.failNext(500);
    h.stub.clear();
    // A card offered before consent contexts said their kind: still read as a board pack.
    const res = await consentInvoke('accept', { planId: 'southend-2021', asAt: '2021-12-20' }, { name: 'x.xlsx', uploadUrl: `${upload.url}/upload/session-2`, contentUrl: 'https://example.org/x', uniqueId: 'u2', fileType: 'xlsx' });
    assert.equal(res.status, 200);
    const sorry = await h.stub.waitFor((x) => /could not save the workbook/.test(String(x.activity.text)), 20_000);
    assert.equal(sorry.conversationId, `a:personal-${JORDAN.aadObjectId}`);
    assert.ok(!h.stub.sent().some((x) => x.activity.attachments?.[0]?.contentType === FILE_INFO));
  });

  it('in a channel gives a signed link to the HTML pack that works, and refuses it tampered or expired', async () => {
    const linked = await h.say('link this channel to Southend 2021', { from: PRIYA, where: CHANNEL });
    assert.match(cardText(cardOf(linked[0])), /Linked to Southend 2021/);
    const sent = await h.say('board pack', { from: JORDAN, where: CHANNEL });
    assert.equal(sent.length, 1, 'no file consent in a channel');
    const card = cardOf(sent[0]);
    assertValidCard(card);
    const open = (card.actions as { type: string; url: string; title: string }[]).find((a) => a.type === 'Action.OpenUrl');
    assert.ok(open, 'the card offers the printable pack');
    assert.match(open.url, /^https:\/\/bot\.example\.org\/board-pack\/[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
    assert.match(cardText(card), /the link works until 22 Dec 2021/);

    const ok = await fetch(botPath(open.url));
    assert.equal(ok.status, 200, await ok.clone().text());
    assert.equal(ok.headers.get('cache-control'), 'no-store, private');
    assert.equal(ok.headers.get('referrer-policy'), 'no-referrer');
    assert.match(ok.headers.get('content-security-policy') ?? '', /default-src 'none'/);
    assert.match(await ok.text(), /<h1>Southend 2021: board pack as at 20 Dec 2021<\/h1>/);

    const [payload, sig] = new URL(open.url).pathname.split('/').pop()!.split('.');
    const flip = (s: string) => (s[0] === 'A' ? 'B' : 'A') + s.slice(1);
    const otherPlan = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload, 'base64url').toString()), p: 'sefton-2022' })).toString('base64url');
    for (const bad of [`${payload}.${flip(sig)}`, `${flip(payload)}.${sig}`, `${otherPlan}.${sig}`, `${payload}`, 'nothing-here']) {
      const r = await fetch(`http://127.0.0.1:${h.bot.port}/board-pack/${bad}`);
      assert.equal(r.status, 404, bad);
      assert.doesNotMatch(await r.text(), /Southend/);
    }
    const listing = await fetch(`http://127.0.0.1:${h.bot.port}/board-pack/`);
    assert.notEqual(listing.status, 200, 'there is no index of packs');

    h.clock.set('2021-12-22'); // 10:00 on the 22nd: exactly 48 h after the link was made
    const expired = await fetch(botPath(open.url));
    assert.equal(expired.status, 410);
    assert.match(await expired.text(), /This link has expired/);
    h.clock.set('2021-12-20');
  });

  it('lets an administrator set the next board meeting, and says when its pack will be made', async () => {
    const refused = await h.say('board meeting 14 Jan 2022', { from: JORDAN, where: CHANNEL });
    assert.match(cardText(cardOf(refused[0])), /Only a plan administrator can set the board meeting/);
    const bad = await h.say('board meeting 31 Feb 2022', { from: PRIYA, where: CHANNEL });
    assert.match(cardText(cardOf(bad[0])), /not a date I can use[\s\S]*February/);
    const set = await h.say('board meeting 14 Jan 2022', { from: PRIYA, where: CHANNEL });
    const text = cardText(cardOf(set[0]));
    assert.match(text, /Board meeting set for Southend 2021/);
    // Friday 14 Jan 2022, three working days before: Tuesday 11 Jan.
    assert.match(text, /made as at 11 Jan 2022 \(3 working days before\)/);
    const pack = await h.say('board pack for Southend 2021 as at 20 Dec 2021', { from: PRIYA });
    assert.match(cardText(cardOf(pack[0])), /As at 20 Dec 2021/);
  });
});
