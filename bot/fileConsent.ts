import { z } from 'zod';
import { ActivityTypes, TurnContext, type Activity, type Attachment, type ConversationReference, type FileConsentCardResponse } from 'botbuilder';
import type { Application, TurnState } from '@microsoft/teams-ai';
import type { BotDeps } from './app';

/** What the file consent flow uses of BotDeps: the adapter to upload from, and the log. */
export type FileConsentDeps = Pick<BotDeps, 'adapter' | 'botAppId' | 'logger'>;

/**
 * Files reach people in Teams through the file consent flow, in personal chat only (Teams offers
 * it nowhere else): the bot sends a FileConsentCard, the person accepts, Teams gives an upload
 * session in their OneDrive, the bot PUTs the bytes there and posts a file info card. One place
 * for every file the bot sends (board pack, plan export), because Teams delivers every consent
 * answer to one invoke handler and only the card's context says which file it was.
 */

const PLAN_ID = z.string().min(1).max(100);

/**
 * What an offered card carries back: just enough to make the file again, never the file or anything
 * the caller could use to widen what they get (who may have it is decided when it is offered).
 */
export const consentContext = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('boardPack'), planId: PLAN_ID, asAt: z.string().regex(/^\d{4}-\d{2}-\d{2}$/) }).strict(),
  z.object({ kind: z.literal('planExport'), planId: PLAN_ID }).strict(),
]);
export type ConsentContext = z.infer<typeof consentContext>;
export type ConsentKind = ConsentContext['kind'];

/** Board-pack cards offered before the context said its kind carry only { planId, asAt }. */
function readContext(value: unknown): ConsentContext | undefined {
  const v = value && typeof value === 'object' && !Array.isArray(value) && !('kind' in value) && 'asAt' in value ? { kind: 'boardPack', ...value } : value;
  const parsed = consentContext.safeParse(v);
  return parsed.success ? parsed.data : undefined;
}

export interface MadeFile {
  bytes: Buffer;
  /** The line posted with the file info card once it is saved. */
  text: string;
}

/** How one kind of file is made again at upload time, and what is said when it is not sent. */
export interface FileKind<C extends ConsentContext> {
  /**
   * Whether the person answering may have this file, decided again on the signed activity: the
   * context came back from a card, and nothing a card carried grants anything.
   */
  mayHave(context: TurnContext): Promise<boolean>;
  /** The file the accepted card offered; undefined when what it named no longer exists. */
  make(ctx: C): Promise<MadeFile | undefined>;
  refused: string;
  declined: string;
  failed: string;
}

export type FileKinds = { [K in ConsentKind]?: FileKind<Extract<ConsentContext, { kind: K }>> };

export const FILE_CONSENT = 'application/vnd.microsoft.teams.card.file.consent';
export const FILE_INFO = 'application/vnd.microsoft.teams.card.file.info';

/** The FileConsentCard offering a file; the same context comes back on accept and on decline. */
export function consentAttachment(file: { name: string; description: string; sizeInBytes: number }, ctx: ConsentContext): Attachment {
  return {
    contentType: FILE_CONSENT,
    name: file.name,
    content: { description: file.description, sizeInBytes: file.sizeInBytes, acceptContext: ctx, declineContext: ctx },
  };
}

/** A file name OneDrive accepts on every platform: no path or reserved characters. */
export function safeFileName(base: string, suffix: string): string {
  return `${base.replace(/[^\w .-]+/g, '').trim() || 'Plan'} ${suffix}`;
}

/** Teams gives a OneDrive upload session; anything else (or plain http off this machine) is not written to. */
function uploadUrlOk(raw: string | undefined): raw is string {
  if (!raw) return false;
  try {
    const u = new URL(raw);
    return u.protocol === 'https:' || (u.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(u.hostname));
  } catch {
    return false;
  }
}

const UNREADABLE = 'Sorry, I could not tell which file that was, so nothing was sent. Ask for it again.';

async function put(url: string, bytes: Buffer): Promise<void> {
  const res = await fetch(url, {
    method: 'PUT',
    headers: { 'Content-Length': String(bytes.length), 'Content-Range': `bytes 0-${bytes.length - 1}/${bytes.length}` },
    body: new Uint8Array(bytes),
    signal: AbortSignal.timeout(120_000),
  });
  if (!res.ok) throw new Error(`upload answered ${res.status}`);
}

/**
 * Accepted consent: the invoke is answered at once and the upload runs afterwards, because Teams
 * allows 15 s for the answer and making and uploading a file can take longer. The file is made
 * again from the context, so nothing is held in memory between the offer and the answer.
 */
function accept(context: TurnContext, deps: FileConsentDeps, kinds: FileKinds, pending: Set<Promise<void>>, response: FileConsentCardResponse): void {
  const ctx = readContext(response.context);
  const kind = ctx ? (kinds[ctx.kind] as FileKind<ConsentContext> | undefined) : undefined;
  const upload = response.uploadInfo;
  const conversation = TurnContext.getConversationReference(context.activity) as ConversationReference;
  const say = (activity: Partial<Activity>) =>
    deps.adapter.continueConversationAsync(deps.botAppId ?? '', conversation, async (c) => {
      await c.sendActivity(activity);
    });
  const job = (async () => {
    if (!ctx || !kind) return void (await say({ type: ActivityTypes.Message, text: UNREADABLE }));
    if (!(await kind.mayHave(context))) return void (await say({ type: ActivityTypes.Message, text: kind.refused }));
    try {
      if (!upload || !uploadUrlOk(upload.uploadUrl)) throw new Error('file consent without a usable upload address');
      const file = await kind.make(ctx);
      if (!file) throw new Error(`the file ${JSON.stringify(ctx)} names no longer exists`);
      await put(upload.uploadUrl, file.bytes);
      await say({
        type: ActivityTypes.Message,
        text: file.text,
        attachments: [{ contentType: FILE_INFO, contentUrl: upload.contentUrl, name: upload.name, content: { uniqueId: upload.uniqueId, fileType: upload.fileType ?? 'xlsx' } }],
      });
    } catch (err) {
      deps.logger.error({ err, ctx }, 'file upload failed');
      await say({ type: ActivityTypes.Message, text: kind.failed });
    }
  })().catch((err) => deps.logger.error({ err, ctx }, 'could not report on a file upload'));
  pending.add(job);
  void job.finally(() => pending.delete(job));
}

/**
 * Registers the one accept and one decline handler. `pending` holds uploads still running after
 * their invoke was answered, so the bot's stop() can wait for them.
 */
export function registerFileConsent(app: Application<TurnState>, deps: FileConsentDeps, kinds: FileKinds, pending: Set<Promise<void>>): void {
  app.fileConsentAccept(async (context, _state, response) => accept(context, deps, kinds, pending, response));
  app.fileConsentDecline(async (context, _state, response) => {
    const ctx = readContext(response.context);
    const kind = ctx ? kinds[ctx.kind] : undefined;
    await context.sendActivity(kind?.declined ?? 'No problem: I have not sent the file.');
  });
}
