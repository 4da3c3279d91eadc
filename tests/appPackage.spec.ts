import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import JSZip from 'jszip';
import { PNG } from 'pngjs';
import {
  buildAppPackage,
  compileManifestSchema,
  DEV_BOT_ID,
  fillPlaceholders,
  formatAjvErrors,
  readManifestTemplate,
  resolveBotId,
  SCHEMA_PATH,
  teamsRuleViolations,
  type TeamsManifest,
} from '../scripts/package-app';
import { renderColorIcon, renderOutlineIcon } from '../scripts/make-icons';

const TEST_BOT_ID = '3f2b6c1e-8d4a-4f6b-9c2e-7a1d5e9b0c44';
const APP_DIR = path.resolve(__dirname, '../appPackage');
const SCHEMA = path.resolve(__dirname, '../../shared/schemas/teams-manifest-1.22.schema.json');

/**
 * The official schema sits in ../shared beside the checkout and is not copied into the project, so
 * on a clone without it the schema checks are skipped, and say so (the packager also warns).
 */
function skipWithoutSchema(this: Mocha.Context): void {
  if (fs.existsSync(SCHEMA)) return;
  console.log(`      skipped: ${SCHEMA} does not exist here, so the manifest is not checked against the Teams schema.`);
  this.skip();
}

function filledManifest(): TeamsManifest {
  return fillPlaceholders(readManifestTemplate(), { BOT_ID: TEST_BOT_ID, APP_VERSION: '1.0.0' });
}

function readPng(name: string): PNG {
  return PNG.sync.read(fs.readFileSync(path.join(APP_DIR, name)));
}

describe('Teams app package', () => {
  describe('manifest.json', () => {
    it('is the schema the packager validates against', function () {
      assert.equal(SCHEMA_PATH, SCHEMA);
      skipWithoutSchema.call(this);
      assert.ok(fs.existsSync(SCHEMA), `schema missing at ${SCHEMA}`);
    });

    it('wires ${{BOT_ID}} into the app id and bot id, and fills every placeholder', () => {
      const template = readManifestTemplate();
      assert.equal(template.id, '${{BOT_ID}}');
      assert.equal(template.bots?.[0].botId, '${{BOT_ID}}');
      const manifest = filledManifest();
      assert.equal(manifest.id, TEST_BOT_ID);
      assert.equal(manifest.bots?.[0].botId, TEST_BOT_ID);
      assert.doesNotMatch(JSON.stringify(manifest), /\$\{\{/);
    });

    it('validates against the Teams 1.22 schema', function () {
      skipWithoutSchema.call(this);
      const validate = compileManifestSchema(SCHEMA);
      const ok = validate(filledManifest());
      assert.ok(ok, `schema errors:\n${formatAjvErrors(validate.errors)}`);
    });

    // A validator that compiled to "accept anything" would pass the test above silently.
    it('has a validator that rejects broken manifests', function () {
      skipWithoutSchema.call(this);
      const validate = compileManifestSchema(SCHEMA);
      const broken: Array<[string, (m: Record<string, unknown>) => void]> = [
        ['older manifestVersion (const)', (m) => (m.manifestVersion = '1.21')],
        ['unknown top-level property', (m) => (m.notAProperty = true)],
        ['non-GUID id', (m) => (m.id = '${{BOT_ID}}')],
        ['short name over 30 chars', (m) => ((m.name as Record<string, string>).short = 'x'.repeat(31))],
        ['missing developer.privacyUrl', (m) => delete (m.developer as Record<string, string>).privacyUrl],
      ];
      for (const [label, mutate] of broken) {
        const m = structuredClone(filledManifest()) as Record<string, unknown>;
        mutate(m);
        assert.equal(validate(m), false, `schema accepted: ${label}`);
      }
    });

    it('meets the Teams limits the schema does not encode', () => {
      assert.deepEqual(teamsRuleViolations(filledManifest()), []);
    });

    it('is a conversational bot in personal, team and group chat, that can send files (board-pack workbook by file consent)', () => {
      const m = filledManifest();
      assert.equal(m.manifestVersion, '1.22');
      assert.equal(m.bots?.length, 1);
      const bot = m.bots[0] as NonNullable<TeamsManifest['bots']>[number] & Record<string, unknown>;
      assert.deepEqual([...bot.scopes].sort(), ['groupChat', 'personal', 'team']);
      assert.equal(bot.supportsFiles, true);
      assert.equal(bot.isNotificationOnly, false);
      assert.deepEqual(m.validDomains, []);
    });

    it('gives every bot scope a command list within the Teams command limits', () => {
      const bot = filledManifest().bots?.[0];
      assert.ok(bot);
      const lists = bot.commandLists ?? [];
      for (const scope of bot.scopes) {
        assert.ok(lists.some((l) => l.scopes.includes(scope)), `no command list for ${scope}`);
      }
      for (const list of lists) {
        assert.ok(list.commands.length > 0 && list.commands.length <= 10, `${list.scopes}: ${list.commands.length} commands`);
        const titles = list.commands.map((c) => c.title);
        assert.equal(new Set(titles).size, titles.length, `duplicate titles in ${list.scopes}`);
        for (const c of list.commands) {
          assert.ok(c.title.length > 0 && c.title.length <= 32, `title too long: "${c.title}"`);
          assert.ok(c.description.length > 0 && c.description.length <= 128, `description too long: "${c.title}"`);
        }
        assert.ok(titles.includes('help'), `${list.scopes} has no help command`);
      }
    });

    it('uses https developer URLs', () => {
      const { developer } = filledManifest();
      for (const key of ['websiteUrl', 'privacyUrl', 'termsOfUseUrl']) {
        assert.match(developer[key], /^https:\/\/[^/]+/, key);
      }
    });
  });

  describe('icons', () => {
    it('color.png is 192×192 and not a flat fill', () => {
      const png = readPng('color.png');
      assert.equal(png.width, 192);
      assert.equal(png.height, 192);
      const colours = new Set<number>();
      for (let i = 0; i < png.data.length; i += 4) colours.add(png.data.readUInt32BE(i));
      assert.ok(colours.size > 2, 'colour icon has no glyph');
    });

    it('outline.png is 32×32, only white or fully transparent, with a visible glyph', () => {
      const png = readPng('outline.png');
      assert.equal(png.width, 32);
      assert.equal(png.height, 32);
      let opaque = 0;
      let transparent = 0;
      for (let i = 0; i < png.data.length; i += 4) {
        const [r, g, b, a] = png.data.subarray(i, i + 4);
        if (a === 0) {
          transparent++;
          continue;
        }
        const pixel = i / 4;
        assert.deepEqual([r, g, b], [255, 255, 255], `pixel (${pixel % 32}, ${Math.floor(pixel / 32)}) is not white`);
        if (a === 255) opaque++;
      }
      assert.ok(opaque > 0, 'outline icon has no solid pixels');
      assert.ok(transparent > 0, 'outline icon has no transparent background');
    });

    it('match what scripts/make-icons.ts draws', () => {
      for (const [name, rendered] of [
        ['color.png', renderColorIcon()],
        ['outline.png', renderOutlineIcon()],
      ] as const) {
        const committed = readPng(name);
        assert.ok(committed.data.equals(rendered.data), `${name} is stale: run npx tsx scripts/make-icons.ts`);
      }
    });
  });

  describe('buildAppPackage', () => {
    let outDir: string;
    beforeEach(() => {
      outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'app-package-'));
    });
    afterEach(() => {
      fs.rmSync(outDir, { recursive: true, force: true });
    });

    it('writes app.zip with manifest.json and both icons at the root', async () => {
      const { zipPath } = await buildAppPackage({ botId: TEST_BOT_ID, outDir, appVersion: '2.3.4' });
      assert.equal(zipPath, path.join(outDir, 'app.zip'));
      const zip = await JSZip.loadAsync(fs.readFileSync(zipPath));
      assert.deepEqual(Object.keys(zip.files).sort(), ['color.png', 'manifest.json', 'outline.png']);

      const manifest = JSON.parse(await zip.file('manifest.json')!.async('string')) as TeamsManifest;
      assert.equal(manifest.id, TEST_BOT_ID);
      assert.equal(manifest.bots?.[0].botId, TEST_BOT_ID);
      assert.equal(manifest.version, '2.3.4');
      for (const name of ['color.png', 'outline.png']) {
        const bytes = await zip.file(name)!.async('nodebuffer');
        assert.ok(bytes.equals(fs.readFileSync(path.join(APP_DIR, name))), `${name} differs from appPackage/`);
      }
    });

    it('rejects a bot id that is not a GUID', async () => {
      await assert.rejects(buildAppPackage({ botId: 'not-a-guid', outDir }), /not a GUID/);
      assert.equal(fs.existsSync(path.join(outDir, 'app.zip')), false);
    });

    it('rejects a version Teams would refuse', async () => {
      await assert.rejects(buildAppPackage({ botId: TEST_BOT_ID, outDir, appVersion: '1.0' }), /MAJOR\.MINOR\.PATCH/);
    });
  });

  describe('resolveBotId', () => {
    it('uses MicrosoftAppId when set', () => {
      assert.equal(resolveBotId({ MicrosoftAppId: ` ${TEST_BOT_ID} ` }, assert.fail), TEST_BOT_ID);
    });

    it('falls back to the dev GUID with a warning', () => {
      const warnings: string[] = [];
      assert.equal(resolveBotId({}, (m) => warnings.push(m)), DEV_BOT_ID);
      assert.equal(warnings.length, 1);
    });

    it('refuses the dev GUID in production and a malformed MicrosoftAppId anywhere', () => {
      assert.throws(() => resolveBotId({ NODE_ENV: 'production' }, () => {}), /not set/);
      assert.throws(() => resolveBotId({ MicrosoftAppId: 'abc' }, () => {}), /not a GUID/);
    });
  });
});
