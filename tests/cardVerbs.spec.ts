import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { AdaptiveCards, TeamsAdapter } from '@microsoft/teams-ai';
import { createApp, type BotDeps } from '../bot/app';

/**
 * Every Action.Execute verb a card template can send has a handler, and every handler's verb is sent
 * by some template: a renamed verb on either side fails here rather than as "not one I know" in Teams.
 */
const TEMPLATES = path.resolve(__dirname, '..', 'cards', 'templates');

function templateVerbs(): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const walk = (node: unknown, file: string) => {
    if (Array.isArray(node)) node.forEach((n) => walk(n, file));
    else if (node && typeof node === 'object') {
      const o = node as Record<string, unknown>;
      if (o.type === 'Action.Execute' && typeof o.verb === 'string') out.set(o.verb, [...(out.get(o.verb) ?? []), file]);
      Object.values(o).forEach((v) => walk(v, file));
    }
  };
  for (const f of fs.readdirSync(TEMPLATES).filter((f) => f.endsWith('.json'))) walk(JSON.parse(fs.readFileSync(path.join(TEMPLATES, f), 'utf8')), f);
  return out;
}

/** The verbs createApp registers, seen by recording AdaptiveCards.actionExecute while it runs. */
function handlerVerbs(): string[] {
  const seen: string[] = [];
  const original = AdaptiveCards.prototype.actionExecute;
  AdaptiveCards.prototype.actionExecute = function (this: AdaptiveCards<never>, verb: unknown, ...rest: unknown[]) {
    if (typeof verb === 'string') seen.push(verb);
    return (original as (...a: unknown[]) => unknown).call(this, verb, ...rest);
  } as typeof original;
  try {
    // Registration only stores handlers; nothing here is called until a turn arrives.
    createApp({ adapter: new TeamsAdapter(), allowedTenants: new Set(), timeZone: 'Europe/London' } as unknown as BotDeps);
  } finally {
    AdaptiveCards.prototype.actionExecute = original;
  }
  return seen;
}

describe('card verbs and their handlers', () => {
  const fromTemplates = templateVerbs();
  const handled = handlerVerbs();

  it('finds verbs on both sides', () => {
    assert.ok(fromTemplates.size >= 5, `template verbs: ${[...fromTemplates.keys()].join(', ')}`);
    assert.ok(handled.length >= 5, `handler verbs: ${handled.join(', ')}`);
  });

  it("every template's verb has a handler", () => {
    const missing = [...fromTemplates.entries()].filter(([v]) => !handled.includes(v)).map(([v, files]) => `${v} (${files.join(', ')})`);
    assert.deepEqual(missing, [], 'verbs in templates with no handler');
  });

  it("every handler's verb appears in a template", () => {
    assert.deepEqual(handled.filter((v) => !fromTemplates.has(v)), [], 'handlers no template sends');
  });
});
