/**
 * Teams' proactive limits, held by the sender before each request:
 *   per app per tenant: 50 requests/s, across every instance (the shared budget below)
 *   per conversation: 7 per 1 s, 8 per 2 s, 60 per 30 s, 1,800 per hour
 */
export const CONVERSATION_WINDOWS: readonly { windowMs: number; max: number }[] = [
  { windowMs: 1_000, max: 7 },
  { windowMs: 2_000, max: 8 },
  { windowMs: 30_000, max: 60 },
  { windowMs: 3_600_000, max: 1_800 },
];

/** Wall-clock epoch ms for pacing sends across instances (a shared second, not a business date). */
const wallMs = () => performance.timeOrigin + performance.now();

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Places granted in one second of the shared budget (storage/sendBudget.ts grants them). */
export interface Grant {
  second: number;
  /** Place numbers [first, first + count) within `second`. */
  first: number;
  count: number;
}

/** The tenant-wide send budget, so the pacer does not depend on where it is counted (storage/sendBudget.ts implements it). */
export interface BudgetSource {
  readonly perSecond: number;
  take(fromSecond: number, want: number, minPlace?: number): Promise<Grant>;
}

/**
 * Places in the tenant-wide budget, taken from the shared store a few at a time. Place n of second s
 * is sent at s + n/perSecond, so every instance's sends interleave evenly and no sliding second holds
 * more than the budget. A place whose time has passed (the worker was slow to use it) is thrown away
 * rather than used late, since a late send would crowd the next second's places.
 */
export class TenantPacer {
  private places: number[] = [];
  private chain: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly budget: BudgetSource,
    private readonly chunk = Math.max(1, Math.min(4, Math.floor(budget.perSecond / 8))),
    private readonly now = wallMs,
  ) {}

  /** Resolves at the moment this caller may send. */
  acquire(): Promise<void> {
    const next = this.chain.then(() => this.nextPlace());
    this.chain = next.catch(() => undefined);
    return next.then((at) => sleep(Math.max(0, at - this.now()))).then(() => undefined);
  }

  private async nextPlace(): Promise<number> {
    const spacing = 1000 / this.budget.perSecond;
    for (;;) {
      const now = this.now();
      while (this.places.length && this.places[0] < now - 2 * spacing) this.places.shift();
      const at = this.places.shift();
      if (at !== undefined) return at;
      const second = Math.floor(now / 1000);
      const g = await this.budget.take(second, this.chunk, Math.ceil((now - second * 1000) / spacing));
      for (let i = 0; i < g.count; i++) this.places.push(g.second * 1000 + (g.first + i) * spacing);
    }
  }
}

/**
 * What the shared store keeps per conversation: exact send stamps (ms) for the windows up to a
 * minute long, and [minute, count] pairs for longer ones. Exact stamps for an hour would be up to
 * 1,800 numbers in one row; minute counts are at most 60 pairs and err only towards waiting.
 */
export interface SendStamps {
  recent: number[];
  minutes: [number, number][];
}

const EXACT_MS = 60_000;
const MINUTE = 60_000;

/**
 * How long until one more send fits every window (0: now), and the stamps with that send counted.
 * Pure, so the rule is tested without a store and every instance applies the same one.
 */
export function admit(stamps: SendStamps, now: number, windows: readonly { windowMs: number; max: number }[] = CONVERSATION_WINDOWS): { wait: number; next: SendStamps } {
  const exactSpan = Math.max(0, ...windows.filter((w) => w.windowMs <= EXACT_MS).map((w) => w.windowMs));
  const longest = Math.max(...windows.map((w) => w.windowMs));
  const recent = stamps.recent.filter((t) => t > now - exactSpan).sort((a, b) => a - b);
  const thisMinute = Math.floor(now / MINUTE);
  // A minute bucket counts while any part of it is inside the window: over-counting delays a send, under-counting gets a 429.
  const minutes = stamps.minutes.filter(([m]) => (m + 1) * MINUTE > now - longest).sort((a, b) => a[0] - b[0]);
  let wait = 0;
  for (const w of windows) {
    if (w.windowMs <= EXACT_MS) {
      const inWindow = recent.filter((t) => t > now - w.windowMs);
      if (inWindow.length >= w.max) wait = Math.max(wait, inWindow[inWindow.length - w.max] + w.windowMs - now + 1);
    } else {
      let count = minutes.filter(([m]) => (m + 1) * MINUTE > now - w.windowMs).reduce((n, [, c]) => n + c, 0);
      // Free the oldest buckets until one more fits: the wait is until the last freed bucket leaves the window.
      for (const [m, c] of minutes) {
        if (count < w.max) break;
        count -= c;
        wait = Math.max(wait, (m + 1) * MINUTE + w.windowMs - now + 1);
      }
    }
  }
  if (wait > 0) return { wait, next: { recent, minutes } };
  const last = minutes[minutes.length - 1];
  const nextMinutes: [number, number][] = last && last[0] === thisMinute ? [...minutes.slice(0, -1), [thisMinute, last[1] + 1]] : [...minutes, [thisMinute, 1]];
  return { wait: 0, next: { recent: exactSpan ? [...recent, now] : [], minutes: longest > EXACT_MS ? nextMinutes : [] } };
}

/** Where the per-conversation stamps live, shared by every instance (storage/conversationSends.ts). */
export interface ConversationLog {
  /** Applies `decide` to the conversation's stamps and, when it admits the send, stores the result atomically; returns the wait (0: reserved). */
  reserve(key: string, decide: (current: SendStamps) => { wait: number; next: SendStamps }): Promise<number>;
}

/**
 * A conversation's sliding windows, held across instances through the shared log. Within one
 * process sends to one conversation are queued behind each other, so an instance never races itself
 * for the row; across instances the log's conditional write decides.
 *
 * Teams counts arrivals, so the send is counted as late as possible: after the tenant-wide place
 * (`first`, which may wait seconds when the tenant budget is busy), just before the request. What
 * remains between count and arrival (the ledger claim, the network) varies by a few tens of ms, and
 * the windows are widened by `marginMs` so that variation cannot squeeze 8 arrivals into a second.
 * A place taken for a conversation that then has to wait is given up, never used late.
 */
export class ConversationWindows {
  private readonly chains = new Map<string, Promise<unknown>>();
  private readonly widened: readonly { windowMs: number; max: number }[];

  constructor(
    private readonly log: ConversationLog,
    windows = CONVERSATION_WINDOWS,
    private readonly now = wallMs,
    marginMs = 250,
  ) {
    this.widened = windows.map((w) => ({ windowMs: w.windowMs + marginMs, max: w.max }));
  }

  /** Resolves when one more message to `key` fits every window, after `first` each try; the message is counted from then. */
  acquire(key: string, first: () => Promise<void> = async () => undefined): Promise<void> {
    const run = (this.chains.get(key) ?? Promise.resolve()).then(async () => {
      for (;;) {
        await first();
        const wait = await this.log.reserve(key, (current) => admit(current, this.now(), this.widened));
        if (wait <= 0) return;
        await sleep(wait);
      }
    });
    const settled = run.catch(() => undefined);
    this.chains.set(key, settled);
    void settled.then(() => {
      if (this.chains.get(key) === settled) this.chains.delete(key);
    });
    return run.then(() => undefined);
  }
}
