import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromium, type BrowserContext, type Locator, type Page } from 'playwright-core';

/*
 * Drives the Microsoft 365 Agents Playground (0.2.x) the way a person does: type into the compose box,
 * press Send, read the cards, click rows and buttons, fill card inputs. Selectors were taken from the
 * Playground's DOM and prefer what a person (or a screen reader) sees: roles and accessible names
 * ("Send Message", "Open 2.6", "Save update"), the Adaptive Cards renderer's own classes
 * (ac-adaptiveCard) and input labels. Nothing here depends on Fluent UI's generated class names.
 */

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface PlaygroundOptions {
  url: string;
  executablePath: string;
  screenshotsDir: string;
  /** Default wait for the bot to answer. */
  timeoutMs: number;
  log?: (line: string) => void;
}

export async function poll<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined | false>, intervalMs = 150): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined && v !== false) return v;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) {
      const why = lastError ? ` (last error: ${(lastError as Error).message.split('\n')[0]})` : '';
      throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}${why}`);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** One list row of the bot's item-list card, as a reader sees it. */
export interface ListRow {
  ref: string;
  rag: string;
  title: string;
  /** "29 Feb 2024 (997 days overdue) · Owner role · On track · Plan name" */
  detail: string;
  locator: Locator;
}

export class Playground {
  readonly pageErrors: string[] = [];
  private shotNo = 0;

  private constructor(
    readonly page: Page,
    private readonly context: BrowserContext,
    private readonly userDataDir: string,
    private readonly opts: PlaygroundOptions,
  ) {}

  static async open(opts: PlaygroundOptions): Promise<Playground> {
    if (!fs.existsSync(opts.executablePath)) throw new Error(`no Chromium at ${opts.executablePath} (set E2E_CHROMIUM to another path)`);
    const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ipb-e2e-chromium-'));
    const context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: opts.executablePath,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 1280, height: 1000 },
      locale: 'en-GB',
      timezoneId: 'Europe/London',
      // scripts/test-e2e.ts stops everything in order on Ctrl-C; Playwright's own handler would
      // otherwise call process.exit(130) and leave the bot, Azurite and the Playground running.
      handleSIGINT: false,
      handleSIGTERM: false,
      handleSIGHUP: false,
    });
    // The Playground page asks a CDN for Segoe UI fonts and an animation worklet. There is no internet
    // here, and a DNS lookup that hangs must not slow the test: anything not on this machine fails at once.
    await context.route(/^https?:\/\/(?!localhost[:/]|127\.0\.0\.1[:/])/, (route) => route.abort('internetdisconnected'));
    const page = context.pages()[0] ?? (await context.newPage());
    const pg = new Playground(page, context, userDataDir, opts);
    page.on('pageerror', (err) => pg.pageErrors.push(err.message));
    await page.goto(opts.url, { waitUntil: 'domcontentloaded', timeout: 60_000 });
    await pg.composeBox().waitFor({ state: 'visible', timeout: 60_000 });
    return pg;
  }

  async close(): Promise<void> {
    try {
      await this.context.close();
    } finally {
      this.removeProfile();
    }
  }

  /** Synchronous, so it can run from process 'exit'. */
  removeProfile(): void {
    fs.rmSync(this.userDataDir, { recursive: true, force: true });
  }

  /** The compose box is a Lexical rich-text editor (contenteditable, role=textbox). */
  composeBox(): Locator {
    return this.page.locator('[contenteditable="true"][role="textbox"][data-lexical-editor="true"]').first();
  }

  /** Every Adaptive Card in the conversation, oldest first. */
  cards(): Locator {
    return this.page.locator('.ac-adaptiveCard');
  }

  async cardCount(): Promise<number> {
    return this.cards().count();
  }

  async cardText(card: Locator): Promise<string> {
    return (await card.innerText()).replace(/\u00a0/g, ' ');
  }

  /**
   * The first card at index >= from whose text passes the test. Cards are matched by content rather
   * than "the last one" so a card arriving from elsewhere cannot be mistaken for the answer.
   */
  async waitForCard(what: string, from: number, test: (text: string) => boolean, timeoutMs = this.opts.timeoutMs): Promise<{ card: Locator; index: number; text: string }> {
    return poll(what, timeoutMs, async () => {
      const n = await this.cardCount();
      for (let i = from; i < n; i++) {
        const card = this.cards().nth(i);
        const text = await this.cardText(card);
        if (test(text)) return { card, index: i, text };
      }
      return undefined;
    });
  }

  /** A card that is replaced in place (an Action.Execute answer): wait until its text passes the test. */
  async waitForCardChange(what: string, index: number, test: (text: string) => boolean, timeoutMs = this.opts.timeoutMs): Promise<{ card: Locator; text: string }> {
    return poll(what, timeoutMs, async () => {
      const card = this.cards().nth(index);
      const text = await this.cardText(card);
      return test(text) ? { card, text } : undefined;
    });
  }

  /** Type a message and press Send, as a person would; waits until it shows in the conversation. */
  async send(text: string): Promise<number> {
    const before = await this.cardCount();
    const box = this.composeBox();
    await box.click();
    await this.page.keyboard.type(text, { delay: 5 });
    await this.page.getByRole('button', { name: 'Send Message' }).click();
    // The compose box empties once the Playground has taken the message.
    await poll(`the compose box to clear after sending "${text}"`, 10_000, async () => (await box.innerText()).trim() === '');
    return before;
  }

  /** Rows of an item-list card: each row is a selectAction container named "Open <ref>". */
  async listRows(card: Locator): Promise<ListRow[]> {
    const rows = card.locator('[role="button"][aria-label^="Open "]');
    const out: ListRow[] = [];
    const n = await rows.count();
    for (let i = 0; i < n; i++) {
      const row = rows.nth(i);
      const label = (await row.getAttribute('aria-label')) ?? '';
      const lines = (await row.innerText())
        .replace(/\u00a0/g, ' ')
        .split('\n')
        .map((l) => l.trim())
        .filter(Boolean);
      const ref = label.replace(/^Open /, '');
      // Rows may lead with a RAG symbol line (○ ▲ ✔ …) before the RAG word, so find the lines by content.
      const rag = lines.find((l) => /^(Red|Amber|Green|Complete|Blue|No RAG)\b/.test(l)) ?? lines[0] ?? '';
      const title = lines.find((l) => l.startsWith(ref)) ?? lines[1] ?? '';
      out.push({ ref, rag, title, detail: lines[lines.length - 1] ?? '', locator: row });
    }
    return out;
  }

  /** An Input.ChoiceSet (rendered as a Fluent combobox) by its label: open it and pick an option. */
  async choose(card: Locator, label: RegExp, option: string): Promise<void> {
    const combo = card.getByRole('combobox', { name: label });
    await combo.click();
    await this.page.getByRole('option', { name: option, exact: true }).click();
    await poll(`"${option}" to be selected`, 5_000, async () => (await combo.inputValue()) === option);
  }

  /** An Input.Text by its label. */
  async fill(card: Locator, label: RegExp, value: string): Promise<void> {
    const box = card.getByRole('textbox', { name: label });
    await box.fill(value);
  }

  async press(card: Locator, buttonTitle: string): Promise<void> {
    await card.getByRole('button', { name: buttonTitle, exact: true }).click();
  }

  /**
   * The page as the person sees it, plus the card on its own. The conversation is a scrolling pane,
   * so a card taller than the window would be cut off: the window is made tall enough for the whole
   * card first (as on a tall screen), then put back.
   */
  async screenshot(name: string, card?: Locator): Promise<string[]> {
    const stem = `${String(++this.shotNo).padStart(2, '0')}-${name}`;
    const files: string[] = [];
    const normal = this.page.viewportSize() ?? { width: 1280, height: 1000 };
    try {
      if (card) {
        const box = await card.boundingBox();
        // ~250 px of the window is the Playground's header and compose box.
        if (box && box.height > normal.height - 250) await this.page.setViewportSize({ width: normal.width, height: Math.ceil(box.height) + 300 });
        await card.scrollIntoViewIfNeeded();
        await this.page.waitForTimeout(150);
      }
      const pageFile = path.join(this.opts.screenshotsDir, `${stem}.png`);
      await this.page.screenshot({ path: pageFile });
      files.push(pageFile);
      if (card) {
        const cardFile = path.join(this.opts.screenshotsDir, `${stem}-card.png`);
        await card.screenshot({ path: cardFile });
        files.push(cardFile);
      }
    } finally {
      await this.page.setViewportSize(normal);
    }
    return files;
  }
}
