import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { randomUUID } from 'node:crypto';
import ExcelJS from 'exceljs';
import { startHarness, cardOf, cardText, ROSA, TENANT, type Harness, type Person } from '../support/botHarness';
import { assertValidCard } from '../support/cardValidation';
import { startUploadStub, type UploadStub } from '../support/uploadStub';
import { importDirectoryFile, importPlanFile } from '../../services/importFiles';

const TRACKERS = path.resolve(__dirname, '../fixtures/trackers');
const KIT: Person = { aadObjectId: '6f1c2a10-0031-4c1e-9a51-000000000031', name: 'Kit Moran' };
const LEE: Person = { aadObjectId: '6f1c2a10-0032-4c1e-9a51-000000000032', name: 'Lee Okafor' };
const FILE_CONSENT = 'application/vnd.microsoft.teams.card.file.consent';
const FILE_INFO = 'application/vnd.microsoft.teams.card.file.info';

describe('plan export in Teams: admins get the tracker through file consent', function () {
  this.timeout(180_000);
  let h: Harness;
  let upload: UploadStub;
  let themedRefs: string[];

  before(async () => {
    upload = await startUploadStub();
    h = await startHarness({ today: '2020-11-20', env: { ADMIN_USER_IDS: `${KIT.aadObjectId},${LEE.aadObjectId}` } });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'export-dir-'));
    const people = path.join(dir, 'people.csv');
    fs.writeFileSync(people, `Role,Name,Email,AadObjectId,Manager role\nPerformance lead,${KIT.name},kit.moran@example.org,${KIT.aadObjectId},\nSocial worker,${ROSA.name},rosa.b@example.org,${ROSA.aadObjectId},Performance lead\n`);
    await importDirectoryFile(h.bot.services, { file: people, dryRun: false });
    await importPlanFile(h.bot.services, { file: path.join(TRACKERS, 'themed-plan.csv'), planName: 'Themed plan', dryRun: false });
    await importPlanFile(h.bot.services, { file: path.join(TRACKERS, 'semicolon.csv'), planName: 'Audit plan', dryRun: false });
    themedRefs = (await h.bot.services.plans.listAllItems('themed-plan')).filter((i) => i.kind === 'action').map((i) => i.ref);
    assert.ok(themedRefs.length >= 3 && themedRefs.some((r) => r.startsWith('SH-')), themedRefs.join(', '));
  });
  after(async () => {
    await h?.stop();
    await upload?.stop();
  });

  /** A fileConsent/invoke from someone's personal chat, as Teams sends it. */
  const consentInvoke = (who: Person, action: 'accept' | 'decline', context: unknown, uploadInfo?: object) =>
    h.post({
      type: 'invoke',
      name: 'fileConsent/invoke',
      id: randomUUID(),
      channelId: 'msteams',
      serviceUrl: h.stub.url,
      timestamp: h.clock.now().toISOString(),
      from: { id: `29:${who.aadObjectId}`, name: who.name, aadObjectId: who.aadObjectId },
      recipient: { id: '28:bot-id', name: 'Improvement Plan' },
      conversation: { id: `a:personal-${who.aadObjectId}`, conversationType: 'personal', tenantId: TENANT },
      channelData: { tenant: { id: TENANT } },
      replyToId: 'consent-card-1',
      value: { type: 'fileUpload', action, context, uploadInfo },
    });
  const uploadInfo = (session: string) => ({
    name: 'Themed plan export 2020-11-20.xlsx',
    uploadUrl: `${upload.url}/upload/${session}`,
    contentUrl: `https://contoso-my.sharepoint.com/personal/kit/Documents/Applications/Improvement%20Plan/${session}.xlsx`,
    uniqueId: `unique-${session}`,
    fileType: 'xlsx',
  });
  const consentOf = (sent: { activity: { attachments?: { contentType: string; name?: string; content?: unknown }[] } }[]) => sent.find((s) => s.activity.attachments?.[0]?.contentType === FILE_CONSENT)?.activity.attachments?.[0];

  it('an admin accepts: the invoke is answered at once, the workbook is uploaded and holds the plan’s refs', async () => {
    const sent = await h.say('export plan Themed plan', { from: KIT });
    assert.equal(sent.length, 1);
    const consent = consentOf(sent);
    assert.ok(consent, JSON.stringify(sent[0].activity).slice(0, 300));
    assert.equal(consent.name, 'Themed plan export 2020-11-20.xlsx');
    const content = consent.content as { sizeInBytes: number; acceptContext: unknown; declineContext: unknown };
    assert.deepEqual(content.acceptContext, { kind: 'planExport', planId: 'themed-plan' });
    assert.deepEqual(content.declineContext, content.acceptContext);
    assert.ok(content.sizeInBytes > 1000, `offered ${content.sizeInBytes} bytes`);
    assert.match(String(sent[0].activity.text), new RegExp(`Themed plan as it stands on 20 Nov 2020: ${themedRefs.length} actions`));

    h.stub.clear();
    const started = Date.now();
    const res = await consentInvoke(KIT, 'accept', content.acceptContext, uploadInfo('s1'));
    assert.equal(res.status, 200);
    assert.ok(Date.now() - started < 15_000, 'the invoke is answered within Teams’ 15 s');
    const info = await h.stub.waitFor((x) => x.activity.attachments?.[0]?.contentType === FILE_INFO, 20_000);
    assert.equal(info.conversationId, `a:personal-${KIT.aadObjectId}`);
    assert.deepEqual(info.activity.attachments![0].content, { uniqueId: 'unique-s1', fileType: 'xlsx' });
    assert.match(String(info.activity.text), new RegExp(`Here is Themed plan as it stands, ${themedRefs.length} actions`));
    assert.equal(upload.uploads.length, 1);
    assert.equal(upload.uploads[0].path, '/upload/s1');

    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(upload.uploads[0].body as unknown as ArrayBuffer);
    const ws = wb.getWorksheet('Plan')!;
    const header = (ws.getRow(1).values as unknown[]).map(String);
    const refCol = header.indexOf('Ref');
    assert.ok(refCol > 0, header.join('|'));
    const refs: string[] = [];
    ws.eachRow((row, n) => n > 1 && refs.push(String(row.getCell(refCol).value)));
    assert.deepEqual([...refs].sort(), [...themedRefs].sort());
  });

  it('reads "export NAME", "export NAME to excel" and a quoted name as the same request', async () => {
    for (const text of ['export Themed plan', 'export themed plan to excel', 'export the plan “Audit plan” as a spreadsheet']) {
      const consent = consentOf(await h.say(text, { from: KIT }));
      assert.ok(consent, text);
      assert.deepEqual((consent.content as { acceptContext: unknown }).acceptContext, { kind: 'planExport', planId: text.includes('Audit') ? 'audit-plan' : 'themed-plan' }, text);
    }
  });

  it('a declined offer gets a polite reply and nothing is uploaded', async () => {
    const before = upload.uploads.length;
    h.stub.clear();
    const res = await consentInvoke(KIT, 'decline', { kind: 'planExport', planId: 'themed-plan' });
    assert.equal(res.status, 200);
    const replies = h.stub.sent();
    assert.equal(replies.length, 1);
    assert.match(String(replies[0].activity.text), /No problem: I have not sent the export/);
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(upload.uploads.length, before);
  });

  it('a failed upload is said plainly, with no file card', async () => {
    upload.failNext(503);
    h.stub.clear();
    const res = await consentInvoke(KIT, 'accept', { kind: 'planExport', planId: 'themed-plan' }, uploadInfo('s2'));
    assert.equal(res.status, 200);
    const sorry = await h.stub.waitFor((x) => /could not save the export to your OneDrive/.test(String(x.activity.text)), 20_000);
    assert.equal(sorry.conversationId, `a:personal-${KIT.aadObjectId}`);
    assert.ok(!h.stub.sent().some((x) => x.activity.attachments?.[0]?.contentType === FILE_INFO));
  });

  it('refuses a non-admin with who can, offers nothing, and uploads nothing even for a forged accept', async () => {
    const before = upload.uploads.length;
    const sent = await h.say('export plan Themed plan', { from: ROSA });
    assert.equal(sent.length, 1);
    const text = cardText(cardOf(sent[0]));
    assert.match(text, /Only a plan administrator can export a plan/);
    assert.match(text, /Who can: Kit Moran \(plan administrator\)/);
    assert.equal(consentOf(sent), undefined);

    const pressed = await h.execute('exportPlan', { planId: 'themed-plan' }, { from: ROSA });
    assert.equal(pressed.status, 200);
    assert.equal(pressed.body.value, 'Not exported.');

    h.stub.clear();
    const res = await consentInvoke(ROSA, 'accept', { kind: 'planExport', planId: 'themed-plan' }, uploadInfo('s3'));
    assert.equal(res.status, 200);
    const said = await h.stub.waitFor((x) => /Only a plan administrator can export a plan, so I have not sent it/.test(String(x.activity.text)), 20_000);
    assert.equal(said.conversationId, `a:personal-${ROSA.aadObjectId}`);
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(upload.uploads.length, before, 'nothing uploaded');
  });

  it('an unknown or partial name is said back with the plans as buttons, never guessed; a button exports that plan', async () => {
    const unknown = await h.say('export plan Nonesuch', { from: KIT });
    assert.equal(unknown.length, 1);
    const card = cardOf(unknown[0]);
    assertValidCard(card);
    assert.match(cardText(card), /No plan is called "Nonesuch"\. Nothing was exported\./);
    const buttons = (card.actions as { type: string; verb: string; title: string; data: { planId: string } }[]).map((a) => [a.type, a.verb, a.title, a.data.planId]);
    assert.deepEqual(buttons.sort(), [
      ['Action.Execute', 'exportPlan', 'Audit plan', 'audit-plan'],
      ['Action.Execute', 'exportPlan', 'Themed plan', 'themed-plan'],
    ]);

    const partial = await h.say('export Themed', { from: KIT });
    assert.equal(partial.length, 1, 'a card, not a file');
    const pc = cardOf(partial[0]);
    assertValidCard(pc);
    assert.match(cardText(pc), /Which plan\?[\s\S]*No plan is called exactly "Themed"/);
    assert.deepEqual((pc.actions as { data: { planId: string } }[]).map((a) => a.data.planId), ['themed-plan']);

    h.stub.clear();
    const pressed = await h.execute('exportPlan', { planId: 'themed-plan' }, { from: KIT });
    assert.equal(pressed.status, 200);
    assert.equal(pressed.body.value, 'Exporting Themed plan.');
    const consent = consentOf(h.stub.sent());
    assert.ok(consent, 'the button offered the file');
    assert.deepEqual((consent.content as { acceptContext: unknown }).acceptContext, { kind: 'planExport', planId: 'themed-plan' });
    const bad = await h.execute('exportPlan', { planId: '' }, { from: KIT });
    assert.match(JSON.stringify(bad.body.value), /could not read/);
  });

  it('in a channel the file goes to the admin’s personal chat, or the admin is told to ask there', async () => {
    const where = { kind: 'channel' as const, channelId: '19:export-channel@thread.tacv2' };
    const sent = await h.say('export plan Themed plan', { from: KIT, where });
    const consent = sent.find((s) => s.activity.attachments?.[0]?.contentType === FILE_CONSENT);
    assert.ok(consent, 'the offer was sent');
    assert.equal(consent.conversationId, `a:personal-${KIT.aadObjectId}`, 'to the personal chat, never the channel');
    const reply = sent.find((s) => s !== consent)!;
    assert.match(String(reply.activity.text), /Files are sent in a personal chat: I have sent the export of Themed plan to our chat/);
    assert.doesNotMatch(reply.conversationId, /personal/);

    // Lee is an admin who has never opened a personal chat with the bot.
    const group = await h.say('export plan Audit plan', { from: LEE, where: { kind: 'groupChat' } });
    assert.equal(group.length, 1);
    assert.equal(consentOf(group), undefined);
    assert.match(String(group[0].activity.text), /Files are sent in a personal chat, and I have no chat with you yet\. Open a chat with me and say “export plan Audit plan” there/);
  });
});
