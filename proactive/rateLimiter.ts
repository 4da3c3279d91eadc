import type { Grant } from '../storage/sendBudget';

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

/** A conversation's sliding windows, in this process (one conversation is served by one worker at a time). */
export class ConversationWindows {
  private readonly stamps = new Map<string, number[]>();
  private readonly chains = new Map<string, Promise<unknown>>();

  constructor(
    private readonly windows = CONVERSATION_WINDOWS,
    private readonly now = wallMs,
  ) {}

  /** Resolves when one more message to `key` fits every window; the message is counted from then. */
  acquire(key: string): Promise<void> {
    const run = (this.chains.get(key) ?? Promise.resolve()).then(async () => {
      for (;;) {
        const wait = this.waitFor(key);
        if (wait <= 0) break;
        await sleep(wait);
      }
      this.stamps.get(key)!.push(this.now());
    });
    const settled = run.catch(() => undefined);
    this.chains.set(key, settled);
    void settled.then(() => {
      if (this.chains.get(key) === settled) this.chains.delete(key);
    });
    return run.then(() => undefined);
  }

  private waitFor(key: string): number {
    const now = this.now();
    const longest = Math.max(...this.windows.map((w) => w.windowMs));
    const list = (this.stamps.get(key) ?? []).filter((t) => t > now - longest);
    this.stamps.set(key, list);
    let wait = 0;
    for (const w of this.windows) {
      const inWindow = list.filter((t) => t > now - w.windowMs);
      if (inWindow.length >= w.max) wait = Math.max(wait, inWindow[inWindow.length - w.max] + w.windowMs - now + 1);
    }
    return wait;
  }

  /** Conversations with nothing in their longest window are forgotten, so memory follows traffic. */
  prune(): void {
    const now = this.now();
    const longest = Math.max(...this.windows.map((w) => w.windowMs));
    for (const [k, list] of this.stamps) if (!list.some((t) => t > now - longest) && !this.chains.has(k)) this.stamps.delete(k);
  }
}
