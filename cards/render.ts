import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ACData from 'adaptivecards-templating';
import type { CardData } from './cardData';

export type { CardData } from './cardData';

/**
 * Binds a JSON template in cards/templates to a view model. Templates hold the layout; code builds
 * only the data. Templates are read once and cached: they are part of the build, not user input.
 */
export type CardName = keyof CardData;

export type AdaptiveCardJson = { type: 'AdaptiveCard'; version: string; body: unknown[]; actions?: unknown[]; refresh?: unknown } & Record<string, unknown>;

const cache = new Map<CardName, ACData.Template>();

function template(name: CardName): ACData.Template {
  let t = cache.get(name);
  if (!t) {
    const json = JSON.parse(fs.readFileSync(path.join(__dirname, 'templates', `${name}.json`), 'utf8'));
    t = new ACData.Template(json);
    cache.set(name, t);
  }
  return t;
}

/** Binds template `name` to its view model (cards/cardData.ts): the compiler checks the data's shape. */
export function renderCard<N extends CardName>(name: N, data: CardData[N]): AdaptiveCardJson {
  return template(name).expand({ $root: data }) as AdaptiveCardJson;
}

/** Teams rejects messages over about 28 KB; stay well under so a reply never bounces. */
export const CARD_BYTE_BUDGET = 24 * 1024;

export function cardBytes(card: object): number {
  return Buffer.byteLength(JSON.stringify(card), 'utf8');
}
