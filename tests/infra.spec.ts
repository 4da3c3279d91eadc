import assert from 'node:assert/strict';
import fs from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import * as ts from 'typescript';
import { configSchema } from '../config/schema';
import { loadConfig } from '../config/loadConfig';
import { TABLES } from '../storage/tables';
import { OUTBOX, POISON } from '../storage/outbox';
import { NPM_ARGS, RUNTIME_PATHS } from '../infra/build-deploy';

/*
 * The deployment files, checked offline. `az bicep build` needs the Bicep CLI (not available here),
 * so infra/main.bicep is read as text with a small parser that understands what the template uses:
 * params with decorators and defaults, resources (optionally conditional or looped) with nested
 * objects, and outputs. The checks are about meaning, not layout: the resources Teams and the bot
 * need, the storage settings, and, above all, that the Web App's app settings are exactly what
 * config/schema.ts accepts and what production needs.
 */

const ROOT = path.resolve(__dirname, '..');
const read = (rel: string) => fs.readFileSync(path.join(ROOT, rel), 'utf8');

// ---------------------------------------------------------------------------------------------
// A Bicep reader, just enough for infra/main.bicep.

interface BicepParam {
  name: string;
  type: string;
  defaultText?: string;
  secure: boolean;
  allowed?: string[];
}
interface BicepResource {
  symbol: string;
  type: string;
  apiVersion: string;
  condition?: string;
  loop: boolean;
  body: string;
}

/** Index just past the bracket that closes the one at `open`, skipping strings and comments. */
function closeOf(text: string, open: number): number {
  const pairs: Record<string, string> = { '{': '}', '[': ']', '(': ')' };
  const stack: string[] = [];
  for (let i = open; i < text.length; i++) {
    const c = text[i];
    if (c === "'") {
      // Bicep strings: '…' with backslash escapes (\' \\ \n \${…}); multi-line strings use '''.
      if (text.startsWith("'''", i)) {
        i = text.indexOf("'''", i + 3) + 2;
        continue;
      }
      for (i++; i < text.length && text[i] !== "'"; i++) if (text[i] === '\\') i++;
      continue;
    }
    if (c === '/' && text[i + 1] === '/') {
      i = text.indexOf('\n', i);
      if (i < 0) return text.length;
      continue;
    }
    if (c === '/' && text[i + 1] === '*') {
      i = text.indexOf('*/', i) + 1;
      continue;
    }
    if (pairs[c]) stack.push(pairs[c]);
    else if (c === '}' || c === ']' || c === ')') {
      if (stack.pop() !== c) throw new Error(`unbalanced ${c} at ${i}`);
      if (!stack.length) return i + 1;
    }
  }
  throw new Error(`unclosed bracket at ${open}`);
}

/** The `{ … }` or `[ … ]` value of `key:` at the top level of an object body. */
function member(body: string, key: string): string | undefined {
  const inner = body.trim().replace(/^[[{]/, '').replace(/[\]}]$/, '');
  let depth = 0;
  const re = new RegExp(String.raw`^\s*${key}\s*:\s*`, 'm');
  for (let i = 0; i < inner.length; i++) {
    const c = inner[i];
    if (c === "'") {
      for (i++; i < inner.length && inner[i] !== "'"; i++) if (inner[i] === '\\') i++;
      continue;
    }
    if (c === '/' && inner[i + 1] === '/') {
      i = inner.indexOf('\n', i);
      if (i < 0) break;
      continue;
    }
    if (c === '{' || c === '[' || c === '(') {
      depth++;
      continue;
    }
    if (c === '}' || c === ']' || c === ')') {
      depth--;
      continue;
    }
    if (depth === 0 && (i === 0 || inner[i - 1] === '\n')) {
      const m = re.exec(inner.slice(i).split('\n')[0] + '\n');
      if (!m) continue;
      const start = i + m[0].length;
      const first = inner[start];
      if (first === '{' || first === '[') return inner.slice(start, closeOf(inner, start));
      const end = inner.indexOf('\n', start);
      return inner.slice(start, end < 0 ? undefined : end).trim();
    }
  }
  return undefined;
}

/** Top-level `key: value` pairs of an object body (values as source text). */
function entries(body: string): Map<string, string> {
  const out = new Map<string, string>();
  const inner = body.trim().replace(/^\{/, '').replace(/\}$/, '');
  const keys = [...inner.matchAll(/^\s*([A-Za-z_][A-Za-z0-9_]*)\s*:/gm)].map((m) => m[1]);
  for (const k of keys) {
    const v = member(body, k);
    if (v !== undefined) out.set(k, v);
  }
  return out;
}

function parseBicep(text: string) {
  const params = new Map<string, BicepParam>();
  const paramRe = /((?:^@[^\n]*\n(?:\s+'[^']*'\n)*(?:\]\)\n)?)*)^param (\w+) (\w+)(?: = (.+))?$/gm;
  for (const m of text.matchAll(paramRe)) {
    const decorators = m[1] ?? '';
    const allowed = /@allowed\(\[([\s\S]*?)\]\)/.exec(decorators);
    params.set(m[2], {
      name: m[2],
      type: m[3],
      defaultText: m[4]?.trim(),
      secure: /@secure\(\)/.test(decorators),
      allowed: allowed ? [...allowed[1].matchAll(/'([^']*)'/g)].map((a) => a[1]) : undefined,
    });
  }
  const resources: BicepResource[] = [];
  const resRe = /^resource (\w+) '([^'@]+)@([^']+)' = (?:if \(([^)]*)\) )?(\[|\{)/gm;
  for (const m of text.matchAll(resRe)) {
    const open = m.index! + m[0].length - 1;
    const body = text.slice(open, closeOf(text, open));
    resources.push({ symbol: m[1], type: m[2], apiVersion: m[3], condition: m[4], loop: m[5] === '[', body });
  }
  const outputs = new Map<string, string>();
  for (const m of text.matchAll(/^output (\w+) \w+ = (.+)$/gm)) outputs.set(m[1], m[2]);
  const vars = new Map<string, string>();
  for (const m of text.matchAll(/^var (\w+) = (.+)$/gm)) vars.set(m[1], m[2]);
  return { params, resources, outputs, vars };
}

const bicepText = read('infra/main.bicep');
const bicep = parseBicep(bicepText);

function resource(type: string): BicepResource {
  const found = bicep.resources.filter((r) => r.type === type);
  assert.equal(found.length, 1, `main.bicep should declare exactly one ${type}, found ${found.length}`);
  return found[0];
}

/** A string literal's value, or undefined if the text is an expression. */
function literal(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  const m = /^'((?:[^'\\]|\\.)*)'$/.exec(text.trim());
  if (m) return m[1].replace(/\\(.)/g, '$1');
  if (/^(true|false|-?\d+)$/.test(text.trim())) return text.trim();
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Toolkit files.

function envFile(rel: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of read(rel).split('\n')) {
    const m = /^\s*([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (m) out.set(m[1], m[2]);
  }
  return out;
}

const placeholders = (text: string) => [...text.matchAll(/\$\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g)].map((m) => m[1]);

interface Step {
  uses: string;
  with?: Record<string, unknown>;
  writeToEnvironmentFile?: Record<string, string>;
}
interface Project {
  version: string;
  environmentFolderPath?: string;
  provision: Step[];
  deploy: Step[];
  publish?: Step[];
}

const project = parseYaml(read('m365agents.yml')) as Project;
const devEnv = envFile('env/.env.dev');

/** The settings every production instance needs (README "Installing in a real Teams tenant", config/schema.ts). */
const PRODUCTION_SETTINGS = [
  'MicrosoftAppId',
  'MicrosoftAppPassword',
  'MicrosoftAppType',
  'MicrosoftAppTenantId',
  'STORAGE_CONNECTION_STRING',
  'TIME_ZONE',
  'ALLOWED_TENANT_IDS',
  'ADMIN_USER_IDS',
  'SCHEDULER_ENABLED',
  'SEND_RATE_PER_SECOND',
];
/** App Service / Node settings that are not the bot's. */
const PLATFORM_SETTINGS = new Set(['NODE_ENV', 'SCM_DO_BUILD_DURING_DEPLOYMENT']);
/** Development or test only: must never reach production. */
const NEVER_IN_PRODUCTION = ['FAKE_TODAY', 'AZURITE_LOCATION', 'ToBotFromChannelOpenIdMetadataUrl', 'ToBotFromChannelTokenIssuer', 'PORT'];

const GUID_A = '11111111-2222-4333-8444-555555555555';
const GUID_B = '66666666-7777-4888-9999-aaaaaaaaaaaa';

describe('infra/main.bicep', () => {
  const settingsRes = bicep.resources.find((r) => r.type === 'Microsoft.Web/sites/config');
  const settings = entries(member(settingsRes?.body ?? '{}', 'properties') ?? '{}');

  it('parses: every resource body is balanced and the parser found the template\'s parts', () => {
    assert.ok(bicep.params.size >= 10, `found ${bicep.params.size} params`);
    assert.ok(bicep.resources.length >= 10, `found ${bicep.resources.length} resources`);
    assert.ok(bicep.outputs.size >= 3);
  });

  it('declares a Storage account for Tables and Queues: TLS 1.2, HTTPS only, no public blob access', () => {
    const sa = resource('Microsoft.Storage/storageAccounts');
    const props = entries(member(sa.body, 'properties')!);
    assert.equal(member(sa.body, 'kind'), "'StorageV2'");
    assert.equal(props.get('minimumTlsVersion'), "'TLS1_2'");
    assert.equal(props.get('allowBlobPublicAccess'), 'false');
    assert.equal(props.get('supportsHttpsTrafficOnly'), 'true');
    assert.notEqual(props.get('allowSharedKeyAccess'), 'false', 'the bot signs in with the account key from the connection string');
    resource('Microsoft.Storage/storageAccounts/tableServices');
    resource('Microsoft.Storage/storageAccounts/queueServices');
  });

  it('creates exactly the tables and queues the bot uses (storage/tables.ts, storage/outbox.ts)', () => {
    const list = (name: string) => [...(/^var (\w+) = \[([\s\S]*?)^\]/m.exec(bicepText.slice(bicepText.indexOf(`var ${name} = [`))) ?? [])[2].matchAll(/'([^']+)'/g)].map((m) => m[1]);
    assert.deepEqual(list('tableNames').sort(), Object.values(TABLES).sort());
    assert.deepEqual(list('queueNames').sort(), [OUTBOX, POISON].sort());
    const tables = resource('Microsoft.Storage/storageAccounts/tableServices/tables');
    const queues = resource('Microsoft.Storage/storageAccounts/queueServices/queues');
    assert.ok(tables.loop && /for name in tableNames/.test(tables.body));
    assert.ok(queues.loop && /for name in queueNames/.test(queues.body));
  });

  it('runs the bot on a Linux App Service plan, Node 22 LTS, always on, HTTPS only, health-checked', () => {
    const planRes = resource('Microsoft.Web/serverfarms');
    assert.equal(member(planRes.body, 'kind'), "'linux'");
    assert.equal(entries(member(planRes.body, 'properties')!).get('reserved'), 'true', 'a Linux plan is "reserved"');
    const site = resource('Microsoft.Web/sites');
    const props = entries(member(site.body, 'properties')!);
    assert.equal(props.get('httpsOnly'), 'true');
    assert.equal(props.get('serverFarmId'), `${planRes.symbol}.id`);
    const config = entries(props.get('siteConfig')!);
    assert.equal(config.get('linuxFxVersion'), 'linuxFxVersion');
    assert.equal(bicep.params.get('linuxFxVersion')?.defaultText, "'NODE|22-lts'", 'Node 22 LTS unless the deployer chooses otherwise');
    assert.equal(config.get('alwaysOn'), 'true', 'the reminder scheduler runs in-process; the app must not be unloaded');
    assert.equal(config.get('healthCheckPath'), "'/healthz'");
    assert.match(read('bot/server.ts'), /server\.get\('\/healthz'/, 'the bot answers the health check path');
    assert.equal(entries(member(site.body, 'identity')!).get('type'), "'SystemAssigned'");
  });

  it('starts the compiled bot exactly as `npm start` does; tsx is only a dev tool', () => {
    const pkg = JSON.parse(read('package.json')) as { scripts: Record<string, string>; dependencies: Record<string, string>; devDependencies: Record<string, string> };
    assert.match(pkg.scripts.start, /^node (--disable-warning=DEP0111 )?dist\/bot\/main\.js$/);
    const cmd = literal(entries(entries(member(resource('Microsoft.Web/sites').body, 'properties')!).get('siteConfig')!).get('appCommandLine'));
    assert.equal(cmd, pkg.scripts.start, 'the Web App runs what npm start runs');
    assert.ok(!pkg.dependencies.tsx, 'production runs JavaScript from dist/, not TypeScript through tsx');
    assert.ok(pkg.devDependencies.tsx);
    assert.ok(RUNTIME_PATHS.includes('dist'));
    assert.ok(NPM_ARGS.includes('--omit=dev') && NPM_ARGS.includes('--os=linux') && NPM_ARGS.includes('--cpu=x64'));
  });

  it('sets every app setting production needs, each one a variable config/schema.ts knows', () => {
    assert.ok(settingsRes, 'no Microsoft.Web/sites/config (appsettings) resource');
    assert.equal(member(settingsRes.body, 'name'), "'appsettings'");
    const known = new Set(Object.keys(configSchema.shape));
    for (const name of PRODUCTION_SETTINGS) assert.ok(settings.has(name), `app setting ${name} is missing`);
    for (const name of settings.keys()) assert.ok(known.has(name) || PLATFORM_SETTINGS.has(name), `app setting ${name} is not a variable the bot reads (typo?)`);
    for (const name of NEVER_IN_PRODUCTION) assert.ok(!settings.has(name), `${name} must not be set in production`);
  });

  it('keeps secrets out of plain parameters: the bot password is @secure and read from Key Vault (or the secure parameter)', () => {
    const password = bicep.params.get('botAppPassword');
    assert.ok(password?.secure, 'botAppPassword must be @secure()');
    const passwordSetting = settings.get('MicrosoftAppPassword')!;
    const expr = bicep.vars.get(passwordSetting) ?? passwordSetting;
    assert.match(expr, /@Microsoft\.KeyVault\(VaultName=\$\{keyVaultName\};SecretName=bot-password\)/);
    assert.match(expr, /: botAppPassword$/);
    const kvSecret = bicep.resources.find((r) => r.type === 'Microsoft.KeyVault/vaults/secrets' && /name: 'bot-password'/.test(r.body));
    assert.ok(kvSecret, 'no bot-password secret in Key Vault');
    assert.match(kvSecret.body, /value: botAppPassword/);
    const role = resource('Microsoft.Authorization/roleAssignments');
    assert.match(role.body, /principalId: webApp\.identity\.principalId/);
    assert.match(bicepText, /keyVaultSecretsUserRoleId = '4633458b-17de-408a-b874-0445c86b69e6'/, 'Key Vault Secrets User');
    assert.match(settingsRes!.body, /webAppReadsSecrets/, 'app settings must wait for the role assignment');
    for (const [name, value] of bicep.outputs) assert.doesNotMatch(value, /listKeys|Password|connectionString/i, `output ${name} leaks a secret`);
  });

  it('builds STORAGE_CONNECTION_STRING from the Storage account it creates', () => {
    const setting = settings.get('STORAGE_CONNECTION_STRING')!;
    const expr = bicep.vars.get(setting) ?? setting;
    assert.match(expr, /SecretName=storage-connection-string/);
    assert.match(expr, /: storageConnectionString$/);
    const cs = bicep.vars.get('storageConnectionString')!;
    const sa = resource('Microsoft.Storage/storageAccounts');
    assert.ok(cs.includes(`AccountName=\${${sa.symbol}.name}`) && cs.includes(`${sa.symbol}.listKeys().keys[0].value`), cs);
    assert.match(cs, /^'DefaultEndpointsProtocol=https;/);
    assert.match(cs, /EndpointSuffix=\$\{environment\(\)\.suffixes\.storage\}/);
  });

  it('its default settings are accepted by the bot\'s own config loader, and every allowed value is valid', () => {
    // The app settings as they come out with default parameters (and sample ids).
    const env: Record<string, string> = {};
    for (const [name, valueText] of settings) {
      const expr = valueText.trim();
      const param = /^(?:string\()?(\w+)\)?$/.exec(expr)?.[1];
      const p = param ? bicep.params.get(param) : undefined;
      const value = literal(expr) ?? (p ? literal(p.defaultText) : undefined);
      if (value !== undefined) env[name] = value;
    }
    Object.assign(env, {
      MicrosoftAppId: GUID_A,
      MicrosoftAppPassword: 'a-client-secret',
      MicrosoftAppTenantId: GUID_B,
      STORAGE_CONNECTION_STRING: 'DefaultEndpointsProtocol=https;AccountName=x;AccountKey=eA==;EndpointSuffix=core.windows.net',
      ALLOWED_TENANT_IDS: GUID_B,
      ADMIN_USER_IDS: `${GUID_A},${GUID_B}`,
      SEND_RATE_PER_SECOND: '35',
    });
    for (const name of ['TIME_ZONE', 'SCHEDULER_ENABLED', 'STALE_AFTER_DAYS', 'DIGEST_CRON', 'WORKING_HOURS_START', 'WORKING_HOURS_END', 'LOG_LEVEL', 'MicrosoftAppType']) {
      assert.ok(env[name] !== undefined, `could not work out the default of ${name} from main.bicep`);
    }
    const config = loadConfig(env);
    assert.equal(config.MicrosoftAppType, 'SingleTenant');
    assert.equal(config.TIME_ZONE, 'Europe/London');
    assert.equal(config.SCHEDULER_ENABLED, true);
    // Every value a deployer may choose in an @allowed list is one the bot accepts.
    for (const [name, valueText] of settings) {
      const p = bicep.params.get(/^(?:string\()?(\w+)\)?$/.exec(valueText.trim())?.[1] ?? '');
      for (const v of p?.allowed ?? []) assert.doesNotThrow(() => loadConfig({ ...env, [name]: v }), `${name}=${v} (allowed by main.bicep) is rejected by the bot`);
    }
  });

  it('sends at most 35 proactive messages per second across all instances by default (one shared budget, not divided by hand)', () => {
    assert.equal(bicep.vars.get('sendRate'), 'sendRatePerSecond > 0 ? sendRatePerSecond : 35');
    assert.equal(settings.get('SEND_RATE_PER_SECOND'), 'string(sendRate)');
    const max = bicep.params.get('sendRatePerSecond')!;
    assert.match(bicepText, /@maxValue\(50\)\nparam sendRatePerSecond/, `${max.name} must not exceed the schema's 50`);
  });

  it('registers an Azure Bot with the Teams channel, messaging endpoint https://<web app host>/api/messages', () => {
    const bot = resource('Microsoft.BotService/botServices');
    assert.equal(member(bot.body, 'kind'), "'azurebot'");
    assert.equal(member(bot.body, 'location'), "'global'");
    const props = entries(member(bot.body, 'properties')!);
    assert.equal(props.get('endpoint'), "'https://${webApp.properties.defaultHostName}/api/messages'");
    assert.equal(props.get('msaAppId'), 'botAppId');
    assert.equal(props.get('msaAppType'), 'botAppType');
    assert.match(props.get('msaAppTenantId')!, /botTenantId/);
    const channel = resource('Microsoft.BotService/botServices/channels');
    assert.equal(member(channel.body, 'parent'), bot.symbol);
    assert.equal(member(channel.body, 'name'), "'MsTeamsChannel'");
    const channelProps = entries(member(channel.body, 'properties')!);
    assert.equal(channelProps.get('channelName'), "'MsTeamsChannel'");
    assert.equal(entries(channelProps.get('properties')!).get('isEnabled'), 'true');
    // The app type and id the bot is registered with are the ones the Web App runs with.
    assert.equal(settings.get('MicrosoftAppId'), 'botAppId');
    assert.equal(settings.get('MicrosoftAppType'), 'botAppType');
  });

  it('outputs what the Toolkit and the docs need, in upper case', () => {
    for (const name of ['BOT_AZURE_APP_SERVICE_RESOURCE_ID', 'BOT_DOMAIN', 'BOT_ENDPOINT', 'STORAGE_ACCOUNT_NAME', 'KEY_VAULT_NAME']) assert.ok(bicep.outputs.has(name), `output ${name}`);
    assert.equal(bicep.outputs.get('BOT_AZURE_APP_SERVICE_RESOURCE_ID'), 'webApp.id');
    for (const name of bicep.outputs.keys()) assert.match(name, /^[A-Z][A-Z0-9_]*$/);
  });
});

describe('m365agents.yml and env/.env.dev (Microsoft 365 Agents Toolkit)', () => {
  const steps = (stage: keyof Project) => (project[stage] as Step[] | undefined) ?? [];
  const step = (stage: keyof Project, uses: string) => {
    const found = steps(stage).find((s) => s.uses === uses);
    assert.ok(found, `${stage} has no ${uses} step`);
    return found;
  };
  const written = new Set<string>([
    ...(['provision', 'deploy', 'publish'] as const).flatMap((stage) => steps(stage).flatMap((s) => Object.values(s.writeToEnvironmentFile ?? {}))),
    ...bicep.outputs.keys(),
  ]);

  it('parses as YAML with provision, deploy and publish stages', () => {
    assert.match(String(project.version), /^v?1\.\d+/);
    assert.equal(project.environmentFolderPath, './env');
    assert.ok(steps('provision').length && steps('deploy').length && steps('publish').length);
    assert.ok(steps('provision').every((s) => typeof s.uses === 'string'));
  });

  it('provisions with arm/deploy from infra/main.bicep and a parameters file that matches it', () => {
    const arm = step('provision', 'arm/deploy');
    const templates = arm.with!.templates as { path: string; parameters: string; deploymentName: string }[];
    assert.equal(templates.length, 1);
    assert.equal(path.normalize(templates[0].path), path.normalize('infra/main.bicep'));
    assert.ok(fs.existsSync(path.join(ROOT, templates[0].path)));
    const paramsText = read(templates[0].parameters);
    const params = (JSON.parse(paramsText) as { parameters: Record<string, { value: unknown }> }).parameters;
    for (const name of Object.keys(params)) assert.ok(bicep.params.has(name), `main.parameters.json sets ${name}, which main.bicep does not declare`);
    for (const p of bicep.params.values()) if (p.defaultText === undefined) assert.ok(p.name in params, `main.bicep requires ${p.name}; main.parameters.json does not set it`);
    assert.equal(params.botAppPassword.value, '${{SECRET_BOT_PASSWORD}}');
    assert.equal(params.botAppId.value, '${{BOT_ID}}');
  });

  it('creates the bot registration before deploying, writing BOT_ID and the secret where the parameters read them', () => {
    const i = steps('provision').findIndex((s) => s.uses === 'aadApp/create');
    const j = steps('provision').findIndex((s) => s.uses === 'arm/deploy');
    assert.ok(i >= 0 && i < j, 'aadApp/create must run before arm/deploy');
    const w = steps('provision')[i].writeToEnvironmentFile!;
    assert.equal(w.clientId, 'BOT_ID');
    assert.equal(w.clientSecret, 'SECRET_BOT_PASSWORD');
    assert.equal(w.tenantId, 'BOT_TENANT_ID');
    assert.equal(steps('provision')[i].with!.signInAudience, 'AzureADMyOrg', 'new bots are single-tenant');
  });

  it('packages appPackage/manifest.json with teamsApp/zipAppPackage', () => {
    for (const stage of ['provision', 'publish'] as const) {
      const zip = step(stage, 'teamsApp/zipAppPackage');
      assert.equal(path.normalize(String(zip.with!.manifestPath)), path.normalize('appPackage/manifest.json'));
      assert.match(String(zip.with!.outputZipPath), /^\.\/appPackage\/build\//, 'appPackage/build is git-ignored');
    }
    assert.deepEqual([...new Set(placeholders(read('appPackage/manifest.json')))].sort(), ['APP_VERSION', 'BOT_ID']);
  });

  it('deploys a production build of the app to the Web App that arm/deploy created', () => {
    const build = step('deploy', 'script');
    const run = String(build.with!.run);
    const m = /npx tsx (infra\/build-deploy\.ts) (\S+)/.exec(run);
    assert.ok(m, `the deploy build should run infra/build-deploy.ts: ${run}`);
    assert.ok(fs.existsSync(path.join(ROOT, m[1])));
    const zip = step('deploy', 'azureAppService/zipDeploy');
    assert.equal(path.normalize(String(zip.with!.artifactFolder)), path.normalize(m[2]));
    assert.match(read('.gitignore'), /^\.data\/$/m, 'the build folder must be git-ignored');
    assert.deepEqual(placeholders(String(zip.with!.resourceId)), ['BOT_AZURE_APP_SERVICE_RESOURCE_ID']);
    assert.ok(bicep.outputs.has('BOT_AZURE_APP_SERVICE_RESOURCE_ID'));
  });

  it('every ${{VARIABLE}} it uses exists in env/.env.dev or is written by an earlier step', () => {
    const used = new Set([...placeholders(read('m365agents.yml')), ...placeholders(read('infra/main.parameters.json')), ...placeholders(read('appPackage/manifest.json'))]);
    for (const name of used) {
      if (name.startsWith('SECRET_')) {
        assert.ok(written.has(name), `${name} is a secret nothing writes to env/.env.dev.user`);
        continue;
      }
      assert.ok(devEnv.has(name) || written.has(name), `\${{${name}}} is neither in env/.env.dev nor written by a step`);
    }
    for (const name of written) if (!name.startsWith('SECRET_')) assert.ok(devEnv.has(name), `${name} is written by the Toolkit; list it (empty) in env/.env.dev so people see it`);
  });

  it('env/.env.dev holds no secrets and valid defaults for the bot', () => {
    for (const [name, value] of devEnv) {
      assert.ok(!name.startsWith('SECRET_'), `${name} belongs in env/.env.dev.user`);
      assert.doesNotMatch(value, /AccountKey=|[A-Za-z0-9~._-]{34,}/, `${name} looks like a secret`);
    }
    const env = { TIME_ZONE: devEnv.get('TIME_ZONE'), SCHEDULER_ENABLED: devEnv.get('SCHEDULER_ENABLED'), ALLOWED_TENANT_IDS: devEnv.get('ALLOWED_TENANT_IDS'), ADMIN_USER_IDS: devEnv.get('ADMIN_USER_IDS') };
    assert.doesNotThrow(() => loadConfig(env));
    assert.match(devEnv.get('APP_VERSION') ?? '', /^\d+\.\d+\.\d+$/);
  });
});

describe('infra/build-deploy.ts (what the Web App gets)', () => {
  const pkg = JSON.parse(read('package.json')) as { dependencies: Record<string, string>; devDependencies: Record<string, string> };
  const builtins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);

  /** Every file reachable by import from the entry points, and every package they import. */
  function reachable(entries: string[]): { files: Set<string>; packages: Map<string, string> } {
    const files = new Set<string>();
    const packages = new Map<string, string>();
    const queue = [...entries];
    while (queue.length) {
      const rel = queue.shift()!;
      if (files.has(rel)) continue;
      files.add(rel);
      const text = read(rel);
      // Static imports and exports, dynamic imports and require(): string literals only.
      const specs = [...text.matchAll(/(?:^|[\s;])(?:import|export)\s[^'";]*?from\s+'([^']+)'|(?:import|require)\(\s*'([^']+)'\s*\)|^import\s+'([^']+)'/gm)].map((m) => m[1] ?? m[2] ?? m[3]);
      for (const spec of specs) {
        if (spec.startsWith('.')) {
          const base = path.join(path.dirname(rel), spec);
          const hit = [`${base}.ts`, path.join(base, 'index.ts'), base].find((f) => fs.existsSync(path.join(ROOT, f)) && fs.statSync(path.join(ROOT, f)).isFile());
          assert.ok(hit, `${rel} imports ${spec}, which does not resolve`);
          if (hit.endsWith('.ts')) queue.push(hit);
          else files.add(hit);
        } else if (!builtins.has(spec)) {
          const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0];
          packages.set(name, rel);
        }
      }
    }
    return { files, packages };
  }

  const { files, packages } = reachable(['bot/main.ts', 'bot/workerMain.ts', 'scripts/import.ts']);

  it('compiles every source file the bot, the worker and the import CLI load, and ships the card templates', () => {
    // tsc follows imports from the build's entry files, so every reachable file is compiled into dist/.
    const build = ts.readConfigFile(path.join(ROOT, 'tsconfig.build.json'), ts.sys.readFile);
    assert.ok(!build.error, 'tsconfig.build.json parses');
    const config = build.config as { files: string[]; compilerOptions: { outDir: string; noEmit: boolean; rootDir: string } };
    assert.deepEqual([...config.files].sort(), ['bot/main.ts', 'bot/workerMain.ts', 'scripts/import.ts']);
    assert.equal(config.compilerOptions.outDir, 'dist');
    assert.equal(config.compilerOptions.rootDir, '.', 'dist/ keeps the source layout (dist/bot/main.js)');
    assert.ok(files.size > 40, `found only ${files.size} reachable files`);
    const data = [...files].filter((f) => !f.endsWith('.ts'));
    assert.deepEqual(data, [], 'files imported as data would need copying into dist/ too');
    assert.ok(fs.readdirSync(path.join(ROOT, 'cards/templates')).some((f) => f.endsWith('.json')), 'card templates are read from cards/templates at run time');
    assert.match(read('scripts/build.mjs'), /RUNTIME_ASSETS = \['cards\/templates'\]/, 'the build copies the card templates next to dist/cards/render.js');
    assert.ok(RUNTIME_PATHS.every((p) => ['dist', 'package.json', 'package-lock.json'].includes(p)));
  });

  it('every package they import is a runtime dependency, so `npm ci --omit=dev` is enough', () => {
    assert.ok(packages.size > 5, `found only ${packages.size} packages`);
    for (const [name, from] of packages) {
      assert.ok(pkg.dependencies[name] || !pkg.devDependencies[name], `${from} imports ${name}, a devDependency: it would be missing on the server`);
      // Transitive packages (botframework-connector, botframework-streaming) come with botbuilder.
      assert.ok(pkg.dependencies[name] || fs.existsSync(path.join(ROOT, 'node_modules', name)), `${from} imports ${name}, which is not installed`);
    }
    assert.ok(!packages.has('tsx'), 'nothing the server runs imports tsx (a devDependency)');
  });
});
