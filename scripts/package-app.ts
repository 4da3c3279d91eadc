/**
 * Builds the Teams app package (appPackage/build/app.zip) for upload to Teams / Teams Admin Center.
 *
 *   MicrosoftAppId=<bot app id> npm run package
 *
 * Placeholders in appPackage/manifest.json:
 *   ${{BOT_ID}}       the app id and the bot id, from MicrosoftAppId. Unset means a local/dev
 *                     package with an all-zero GUID (warned); refused when NODE_ENV=production,
 *                     because Teams would accept the upload and then never reach the bot.
 *   ${{APP_VERSION}}  APP_VERSION, else package.json's version. Teams only offers an update to
 *                     installed copies when this goes up.
 *
 * Before publishing, replace the developer block (name "Example Council", https://example.org/...
 * URLs) with the council's own pages; packaging warns while any example.org URL remains.
 */
import fs from 'node:fs';
import path from 'node:path';
import Ajv, { type ErrorObject } from 'ajv';
import Ajv2019 from 'ajv/dist/2019';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import JSZip from 'jszip';

export const APP_PACKAGE_DIR = path.resolve(__dirname, '../appPackage');
export const MANIFEST_PATH = path.join(APP_PACKAGE_DIR, 'manifest.json');
export const DEFAULT_OUT_DIR = path.join(APP_PACKAGE_DIR, 'build');
/** Shared across the workspace rather than vendored, so every package validates against one copy. */
export const SCHEMA_PATH = path.resolve(__dirname, '../../shared/schemas/teams-manifest-1.22.schema.json');
export const DEV_BOT_ID = '00000000-0000-0000-0000-000000000000';

const GUID = /^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$/;
// The schema only caps length; Teams rejects anything but MAJOR.MINOR.PATCH at upload.
const SEMVER = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$/;
const PLACEHOLDER = /\$\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;

/** Icon sizes Teams enforces at upload; the schema cannot see inside the files. */
export const ICON_SIZES = { color: 192, outline: 32 } as const;

export interface BuildOptions {
  botId: string;
  outDir?: string;
  appVersion?: string;
}

export interface BuildResult {
  zipPath: string;
  manifest: TeamsManifest;
}

/** Only the parts this script reads; the schema checks the rest. */
export interface TeamsManifest {
  id: string;
  version: string;
  developer: Record<string, string>;
  icons: { color: string; outline: string };
  bots?: Array<{
    botId: string;
    scopes: string[];
    commandLists?: Array<{ scopes: string[]; commands: Array<{ title: string; description: string }> }>;
  }>;
  [key: string]: unknown;
}

export function resolveBotId(
  env: NodeJS.ProcessEnv = process.env,
  warn: (message: string) => void = (m) => console.warn(m),
): string {
  const id = env.MicrosoftAppId?.trim();
  if (id) {
    if (!GUID.test(id)) throw new Error(`MicrosoftAppId is not a GUID: "${id}"`);
    return id;
  }
  if (env.NODE_ENV === 'production') {
    throw new Error('MicrosoftAppId is not set; refusing to build a production package with a placeholder bot id');
  }
  warn(`warning: MicrosoftAppId is not set; using ${DEV_BOT_ID}. This package is for local/dev use only.`);
  return DEV_BOT_ID;
}

export function defaultAppVersion(env: NodeJS.ProcessEnv = process.env): string {
  if (env.APP_VERSION?.trim()) return env.APP_VERSION.trim();
  const pkg = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../package.json'), 'utf8')) as { version: string };
  return pkg.version;
}

/**
 * Replaces ${{NAME}} inside string values only, after parsing, so a value can never alter the
 * JSON structure. Unknown names throw: a typo would otherwise ship as literal text.
 */
export function fillPlaceholders<T>(value: T, vars: Readonly<Record<string, string>>): T {
  const fill = (v: unknown): unknown => {
    if (typeof v === 'string') {
      return v.replace(PLACEHOLDER, (_m, name: string) => {
        const sub = vars[name];
        if (sub === undefined) throw new Error(`manifest placeholder \${{${name}}} has no value`);
        return sub;
      });
    }
    if (Array.isArray(v)) return v.map(fill);
    if (v !== null && typeof v === 'object') {
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, fill(x)]));
    }
    return v;
  };
  return fill(value) as T;
}

export function readManifestTemplate(): TeamsManifest {
  return JSON.parse(fs.readFileSync(MANIFEST_PATH, 'utf8')) as TeamsManifest;
}

export function formatAjvErrors(errors: readonly ErrorObject[] | null | undefined): string {
  return (errors ?? []).map((e) => `  ${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`).join('\n');
}

/**
 * Picks the Ajv class for the schema's declared draft. Microsoft's 1.22 schema declares draft-04
 * yet uses draft-06 `const`, and Ajv 8 ships no draft-04 meta-schema, so draft-04/06/07 are all
 * compiled as draft-07 with `$schema` dropped: nothing the schema uses changed meaning between
 * them. If that changes it fails loudly: strictSchema throws on draft-04 `id`, and a boolean
 * exclusiveMinimum fails the draft-07 meta-schema.
 * strictTypes/strictTuples/strictRequired are off because Microsoft's schema trips them.
 */
export function newAjvFor(schema: Record<string, unknown>): { ajv: Ajv; schema: Record<string, unknown> } {
  const options = { allErrors: true, strictTypes: false, strictTuples: false, strictRequired: false } as const;
  const draft = String(schema.$schema ?? '');
  if (draft.includes('2020-12')) return { ajv: new Ajv2020(options), schema };
  if (draft.includes('2019-09')) return { ajv: new Ajv2019(options), schema };
  if (draft && !/draft-0[467]/.test(draft)) throw new Error(`unsupported JSON Schema draft: ${draft}`);
  const { $schema: _draft, ...rest } = schema;
  return { ajv: new Ajv(options), schema: rest };
}

export function compileManifestSchema(schemaPath: string = SCHEMA_PATH) {
  if (!fs.existsSync(schemaPath)) throw new Error(`Teams manifest schema not found at ${schemaPath}`);
  const { ajv, schema } = newAjvFor(JSON.parse(fs.readFileSync(schemaPath, 'utf8')) as Record<string, unknown>);
  addFormats(ajv);
  return ajv.compile(schema);
}

/** Teams limits the schema leaves out (it allows 128-char titles, 4000-char descriptions, http URLs). */
export function teamsRuleViolations(manifest: TeamsManifest): string[] {
  const problems: string[] = [];
  if (!SEMVER.test(manifest.version)) problems.push(`version "${manifest.version}" is not MAJOR.MINOR.PATCH`);
  for (const key of ['websiteUrl', 'privacyUrl', 'termsOfUseUrl']) {
    if (!/^https:\/\//.test(manifest.developer[key] ?? '')) problems.push(`developer.${key} must be an https URL`);
  }
  for (const [b, bot] of (manifest.bots ?? []).entries()) {
    const lists = bot.commandLists ?? [];
    for (const scope of bot.scopes) {
      if (!lists.some((l) => l.scopes.includes(scope))) problems.push(`bots[${b}] scope ${scope} has no command list`);
    }
    for (const list of lists) {
      if (list.commands.length > 10) problems.push(`bots[${b}] ${list.scopes.join('+')}: more than 10 commands`);
      for (const c of list.commands) {
        if (c.title.length > 32) problems.push(`command title over 32 chars: "${c.title}"`);
        if (c.description.length > 128) problems.push(`command "${c.title}": description over 128 chars`);
      }
    }
  }
  return problems;
}

/** Width and height from the IHDR chunk, which the PNG format fixes at bytes 16–23. */
function pngSize(bytes: Buffer): { width: number; height: number } {
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  if (bytes.length < 24 || !bytes.subarray(0, 8).equals(signature)) throw new Error('not a PNG');
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

export async function buildAppPackage(options: BuildOptions): Promise<BuildResult> {
  const { botId, outDir = DEFAULT_OUT_DIR, appVersion = defaultAppVersion() } = options;
  if (!GUID.test(botId)) throw new Error(`bot id is not a GUID: "${botId}"`);

  const manifest = fillPlaceholders(readManifestTemplate(), { BOT_ID: botId, APP_VERSION: appVersion });

  const problems: string[] = [];
  // The schema ships beside the repository in development; a deployment checkout may not have it,
  // and Teams validates the package on upload anyway, so its absence is a warning, not a failure.
  if (fs.existsSync(SCHEMA_PATH)) {
    const validate = compileManifestSchema();
    if (!validate(manifest)) problems.push(`schema:\n${formatAjvErrors(validate.errors)}`);
  } else {
    console.warn(`warning: ${SCHEMA_PATH} not found; packaging without schema validation (Teams checks the package on upload).`);
  }
  problems.push(...teamsRuleViolations(manifest));

  const zip = new JSZip();
  for (const kind of ['color', 'outline'] as const) {
    const name = manifest.icons[kind];
    // Teams resolves icon paths from the zip root, and the zip is flat.
    if (path.basename(name) !== name) {
      problems.push(`icons.${kind} must be a file name at the package root, got "${name}"`);
      continue;
    }
    const bytes = fs.readFileSync(path.join(APP_PACKAGE_DIR, name));
    const { width, height } = pngSize(bytes);
    const want = ICON_SIZES[kind];
    if (width !== want || height !== want) problems.push(`${name} is ${width}×${height}, Teams needs ${want}×${want}`);
    zip.file(name, bytes);
  }
  if (problems.length > 0) throw new Error(`app package is invalid:\n${problems.join('\n')}`);

  zip.file('manifest.json', `${JSON.stringify(manifest, null, 2)}\n`);
  fs.mkdirSync(outDir, { recursive: true });
  const zipPath = path.join(outDir, 'app.zip');
  fs.writeFileSync(zipPath, await zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' }));
  return { zipPath, manifest };
}

async function main(): Promise<void> {
  const { zipPath, manifest } = await buildAppPackage({ botId: resolveBotId() });
  const examples = Object.entries(manifest.developer).filter(([, v]) => v.includes('example.org'));
  if (examples.length > 0) {
    console.warn(`warning: developer ${examples.map(([k]) => k).join(', ')} still point at example.org; replace before publishing.`);
  }
  console.log(`wrote ${zipPath} (app ${manifest.id}, version ${manifest.version})`);
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exitCode = 1;
  });
}
