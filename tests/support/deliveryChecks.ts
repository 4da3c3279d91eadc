import assert from 'node:assert/strict';
import type { Harness } from './botHarness';
import { managerChat } from './managers';

/** How many weekly digests each seeded manager's chat received, in manager order. */
export function digestsPerChat(h: Harness, n: number): number[] {
  const counts = new Map<string, number>();
  for (const s of h.stub.sent()) if (/Weekly digest/.test(JSON.stringify(s.activity))) counts.set(s.conversationId, (counts.get(s.conversationId) ?? 0) + 1);
  return Array.from({ length: n }, (_, i) => counts.get(managerChat(i + 1)) ?? 0);
}

/**
 * After a crash or outage and a restart: nobody twice, every "sent" row arrived, every manager is
 * accounted for, and a manager who got nothing has an "uncertain" row (never a silent gap).
 * `unsent` says how many uncertain rows had not in fact arrived: only a kill inside the one round
 * trip between the claim and the connector's answer can cause one.
 */
export async function assertExactlyOnce(h: Harness, day: string, N: number, opts: { unsentUncertainAtMost: number } = { unsentUncertainAtMost: 0 }) {
  const counts = digestsPerChat(h, N);
  assert.deepEqual(counts.map((c, i) => [i + 1, c]).filter(([, c]) => c > 1), [], 'nobody twice');
  const rows = (await h.bot.ledger.rowsOfDay(day)).filter((r) => r.kind === 'digest');
  const byManager = new Map(rows.map((r) => [Number(r.recipient.slice(-6)), r.state]));
  for (let i = 1; i <= N; i++) {
    const state = byManager.get(i);
    if (state === 'sent') assert.equal(counts[i - 1], 1, `manager ${i}: "sent" and received`);
    else assert.equal(state, 'uncertain', `manager ${i}: ${state ?? 'no row'} (received ${counts[i - 1]})`);
  }
  const uncertain = rows.filter((r) => r.state === 'uncertain').map((r) => Number(r.recipient.slice(-6)));
  const unsent = uncertain.filter((i) => counts[i - 1] === 0).length;
  assert.ok(unsent <= opts.unsentUncertainAtMost, `${unsent} uncertain rows were not sent`);
  return { uncertain: uncertain.length, unsent };
}
