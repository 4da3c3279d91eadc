import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import ts from 'typescript';

/**
 * The layer rules of ARCHITECTURE.md, read from the import statements themselves: a module that
 * reaches across a layer fails here, naming the file, the line and the import.
 *
 *   domain/     nothing from services, storage, proactive, bot, cards, config; no Teams or Azure SDK
 *   services/   no storage/ (except createServices.ts, the composition point), no proactive/, no bot/
 *   storage/    from services/ only the ports it implements (services/ports/); from proactive/ only
 *               types (the interfaces it implements); no bot/, no cards/
 *   proactive/  no storage/ (it takes ports), no bot/, no cards/
 *   cards/      nothing from the other layers
 *   everywhere but bot/: no botbuilder, botframework-* or @microsoft/teams-ai
 */
const ROOT = path.resolve(__dirname, '..');
const LAYERS = ['domain', 'services', 'storage', 'proactive', 'bot', 'cards'] as const;

interface ImportRef {
  /** As written: '../storage/tables', 'botbuilder'. */
  spec: string;
  line: number;
  /** `import type`, `export type`, or every name marked `type`: erased at run time. */
  typeOnly: boolean;
}

/** Every module a source file names: imports, re-exports, import(), require() and import('x').T types. */
function importsOf(fileName: string, text: string): ImportRef[] {
  const sf = ts.createSourceFile(fileName, text, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const out: ImportRef[] = [];
  const add = (lit: ts.Node, typeOnly: boolean) => {
    if (ts.isStringLiteralLike(lit)) out.push({ spec: lit.text, line: sf.getLineAndCharacterOfPosition(lit.getStart(sf)).line + 1, typeOnly });
  };
  const visit = (node: ts.Node) => {
    if (ts.isImportDeclaration(node)) {
      const c = node.importClause;
      const named = c?.namedBindings && ts.isNamedImports(c.namedBindings) ? c.namedBindings.elements : undefined;
      const typeOnly = !!c && (c.isTypeOnly || (!c.name && !!named && named.length > 0 && named.every((e) => e.isTypeOnly)));
      add(node.moduleSpecifier, typeOnly);
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier) {
      const named = node.exportClause && ts.isNamedExports(node.exportClause) ? node.exportClause.elements : undefined;
      add(node.moduleSpecifier, node.isTypeOnly || (!!named && named.length > 0 && named.every((e) => e.isTypeOnly)));
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      add(node.moduleReference.expression, node.isTypeOnly);
    } else if (ts.isCallExpression(node) && node.arguments.length === 1 && (node.expression.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(node.expression) && node.expression.text === 'require'))) {
      add(node.arguments[0], false);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
      add(node.argument.literal, true);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

/** The top folder a relative import lands in ('storage'), with the rest of its path ('storage/tables'); undefined for packages. */
function target(file: string, spec: string): { folder: string; rel: string } | undefined {
  if (!spec.startsWith('.')) return undefined;
  const rel = path.posix.normalize(path.posix.join(path.posix.dirname(file), spec));
  return { folder: rel.split('/')[0], rel };
}

const TEAMS_SDK = /^(botbuilder(-[a-z-]+)?|botframework-[a-z-]+|@microsoft\/teams-ai)(\/|$)/;
const AZURE_SDK = /^@azure\//;

/** A rule broken by one import, or undefined. `file` is repo-relative with forward slashes. */
function brokenRule(file: string, imp: ImportRef): string | undefined {
  const layer = file.split('/')[0];
  const to = target(file, imp.spec);
  if (layer !== 'bot' && TEAMS_SDK.test(imp.spec)) return 'only bot/ may import botbuilder or @microsoft/teams-ai';
  switch (layer) {
    case 'domain':
      if (to && ['services', 'storage', 'proactive', 'bot', 'cards', 'config'].includes(to.folder)) return `domain/ imports nothing from ${to.folder}/`;
      if (AZURE_SDK.test(imp.spec)) return 'domain/ imports no Azure SDK';
      return undefined;
    case 'services':
      if (to?.folder === 'storage' && file !== 'services/createServices.ts') return 'services/ takes ports (services/ports/), not storage/ classes; only services/createServices.ts imports storage/';
      if (to?.folder === 'proactive') return 'services/ imports nothing from proactive/ (proactive/ calls services/, not the other way)';
      if (to?.folder === 'bot') return 'services/ imports nothing from bot/';
      return undefined;
    case 'storage':
      if (to?.folder === 'services' && !to.rel.startsWith('services/ports/')) return 'storage/ imports from services/ only the ports it implements (services/ports/)';
      if (to?.folder === 'proactive' && !imp.typeOnly) return 'storage/ takes only types from proactive/ (the interfaces it implements)';
      if (to?.folder === 'bot' || to?.folder === 'cards') return `storage/ imports nothing from ${to.folder}/`;
      return undefined;
    case 'proactive':
      if (to && ['storage', 'bot', 'cards'].includes(to.folder)) return `proactive/ imports nothing from ${to.folder}/ (it takes ports: proactive/ports.ts, services/ports/)`;
      return undefined;
    case 'cards':
      if (to && (LAYERS as readonly string[]).includes(to.folder) && to.folder !== 'cards') return `cards/ imports nothing from ${to.folder}/`;
      return undefined;
    default:
      return undefined;
  }
}

/**
 * Imports that break a rule on purpose, each with why. Matched on file and import as written; an
 * exception that no longer matches anything fails too, so the list cannot go stale.
 */
const EXCEPTIONS: { file: string; spec: string; why: string }[] = [];

function violations(files: { file: string; text: string }[], exceptions = EXCEPTIONS): string[] {
  const out: string[] = [];
  const used = new Set<(typeof exceptions)[number]>();
  for (const { file, text } of files) {
    for (const imp of importsOf(file, text)) {
      const rule = brokenRule(file, imp);
      if (!rule) continue;
      const ex = exceptions.find((e) => e.file === file && e.spec === imp.spec);
      if (ex) used.add(ex);
      else out.push(`${file}:${imp.line} imports '${imp.spec}': ${rule}`);
    }
  }
  for (const e of exceptions) if (!used.has(e)) out.push(`exception no longer needed: ${e.file} → '${e.spec}' (${e.why})`);
  return out;
}

function sourceFiles(): { file: string; text: string }[] {
  const out: { file: string; text: string }[] = [];
  const walk = (dir: string) => {
    for (const d of fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
      const rel = `${dir}/${d.name}`;
      if (d.isDirectory()) walk(rel);
      else if (d.name.endsWith('.ts') && !d.name.endsWith('.d.ts')) out.push({ file: rel, text: fs.readFileSync(path.join(ROOT, rel), 'utf8') });
    }
  };
  for (const layer of LAYERS) walk(layer);
  return out;
}

describe('layers (ARCHITECTURE.md), from the import statements', () => {
  it('no module imports across a layer rule', () => {
    const files = sourceFiles();
    assert.ok(files.length > 100, `read ${files.length} files: the walk found the layers`);
    assert.deepEqual(violations(files), []);
  });

  it('sees every kind of import, and says which file, line and import broke which rule', () => {
    const found = violations([
      { file: 'domain/x.ts', text: "import { TableClient } from '@azure/data-tables';\nimport type { Services } from '../services/context';" },
      { file: 'services/y.ts', text: "import {\n  PlanRepository,\n} from '../storage/planRepository';\nexport { Outbox } from '../storage/outbox';" },
      { file: 'services/createServices.ts', text: "import { PlanRepository } from '../storage/planRepository';" },
      { file: 'services/z.ts', text: "const m = await import('../bot/app');\ntype T = import('../storage/tables').TableSet;" },
      { file: 'storage/a.ts', text: "import { planDaily } from '../proactive/planner';\nimport type { ReminderPreference } from '../proactive/planner';\nimport type { PlanStore } from '../services/ports/planStore';\nimport type { Services } from '../services/context';" },
      { file: 'proactive/b.ts', text: "import type { Ledger } from '../storage/ledger';" },
      { file: 'cards/c.ts', text: "import { itemLabel } from '../domain/planItem';" },
      { file: 'services/d.ts', text: "import { TurnContext } from 'botbuilder';\nimport type { Application } from '@microsoft/teams-ai';" },
      { file: 'bot/e.ts', text: "import { TurnContext } from 'botbuilder';\nimport { Outbox } from '../storage/outbox';" },
    ]);
    assert.deepEqual(
      found.map((v) => v.split(': ')[0]),
      [
        "domain/x.ts:1 imports '@azure/data-tables'",
        "domain/x.ts:2 imports '../services/context'",
        "services/y.ts:3 imports '../storage/planRepository'",
        "services/y.ts:4 imports '../storage/outbox'",
        "services/z.ts:1 imports '../bot/app'",
        "services/z.ts:2 imports '../storage/tables'",
        "storage/a.ts:1 imports '../proactive/planner'",
        "storage/a.ts:4 imports '../services/context'",
        "proactive/b.ts:1 imports '../storage/ledger'",
        "cards/c.ts:1 imports '../domain/planItem'",
        "services/d.ts:1 imports 'botbuilder'",
        "services/d.ts:2 imports '@microsoft/teams-ai'",
      ],
    );
  });

  it('an exception is named with its reason, and fails once nothing needs it', () => {
    const files = [{ file: 'services/tool.ts', text: "import { openTables } from '../storage/tables';" }];
    const ex = [{ file: 'services/tool.ts', spec: '../storage/tables', why: 'a dev-only tool' }];
    assert.deepEqual(violations(files, ex), []);
    assert.deepEqual(violations([], ex), ["exception no longer needed: services/tool.ts → '../storage/tables' (a dev-only tool)"]);
  });
});
