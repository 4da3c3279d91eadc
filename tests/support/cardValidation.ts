// The npm "main" of adaptivecards is an ES module build that Node cannot load; the UMD bundle works.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const AC = require('adaptivecards/dist/adaptivecards.js') as typeof import('adaptivecards');
import { cardBytes, CARD_BYTE_BUDGET } from '../../cards/render';

/** Teams' chart elements are not in the adaptivecards library; their fallbacks are what it checks. */
const TEAMS_ONLY_ELEMENTS = /Unknown element type "Chart\.(Donut|Line|Pie|VerticalBar|HorizontalBar|Gauge)"/;

/**
 * Parse a card with the official adaptivecards library, as Teams' renderer would, and fail on any
 * warning or error: unknown elements, bad enum values, wrong versions. Also checks the size budget.
 */
export function assertValidCard(card: object): void {
  const parsed = new AC.AdaptiveCard();
  const ctx = new AC.SerializationContext();
  parsed.parse(card, ctx);
  const problems: string[] = [];
  for (let i = 0; i < ctx.eventCount; i++) {
    const e = ctx.getEventAt(i);
    if (!TEAMS_ONLY_ELEMENTS.test(e.message)) problems.push(e.message);
  }
  const validation = parsed.validateProperties();
  for (const e of validation.validationEvents) {
    if (!TEAMS_ONLY_ELEMENTS.test(e.message)) problems.push(e.message);
  }
  const json = JSON.stringify(card);
  if (/\$\{/.test(json)) problems.push('unbound template expression left in card: ' + json.match(/.{0,40}\$\{.{0,40}/)?.[0]);
  if ((card as { version?: string }).version !== '1.5') problems.push(`card version is ${(card as { version?: string }).version}, expected 1.5`);
  if (cardBytes(card) > CARD_BYTE_BUDGET) problems.push(`card is ${cardBytes(card)} bytes, over the ${CARD_BYTE_BUDGET}-byte budget`);
  if (problems.length) throw new Error(`Card is not valid:\n- ${problems.join('\n- ')}`);
}
