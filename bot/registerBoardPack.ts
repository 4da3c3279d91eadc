import { ActivityTypes, type TurnContext } from 'botbuilder';
import { consentAttachment, safeFileName, type ConsentContext, type FileKind } from './fileConsent';
import type { Application, TurnState } from '@microsoft/teams-ai';
import type * as restify from 'restify';
import type { BotDeps } from './app';
import type { AppConfig } from '../config/schema';
import type { Services } from '../services/context';
import type { TableSet } from '../storage/tables';
import { SnapshotRepository } from '../storage/snapshotRepository';
import { explainRefusal, produceBoardPack, storedBoardPack, type BoardPackDeps } from '../services/boardPack';
import { setBoardMeeting } from '../services/boardMeeting';
import { boardPackXlsx } from '../services/boardPackXlsx';
import { boardPackHtml } from '../services/boardPackHtml';
import { packLinks, PACK_ROUTE, type PackLinks, type PackRef } from '../services/boardPackLinks';
import { permissionsFor } from '../services/permissions';
import { formatBritishDate } from '../domain/dueDate';
import { callerOf, sendCard, turnFacts } from './turn';
import { scopeOf } from '../services/planScope';
import { messageCard } from './views/helpView';
import { boardPackCard } from './boardPackView';
import type { Logger } from './logger';
import type { Content } from '../proactive/content';
import type { Job } from '../domain/job';
import { dueBoardPacks, planBoardPack } from '../services/boardPackSchedule';

/**
 * The board pack in Teams: "board pack" (admins and managers) and "board meeting <date>" (admins),
 * the workbook offered in personal chat through the file consent flow (bot/fileConsent.ts), and
 * the signed-link page for the HTML pack. Routing and rendering only: the pack is made by
 * services/boardPack.
 */

export const BOARD_PACK_COMMAND = /^board[\s-]*pack\b\s*(.*)$/i;
export const BOARD_MEETING_COMMAND = /^(?:set\s+(?:the\s+)?)?(?:next\s+)?board\s+meeting\b\s*(.*)$/i;

/** What the board pack's chat commands use of BotDeps (the pack's own deps are BoardPackBotDeps). */
export type BoardPackHandlerDeps = Pick<BotDeps, 'services'>;

export interface BoardPackBotDeps {
  pack: BoardPackDeps;
  links?: PackLinks;
  /** Working days before the meeting that the pack is produced. */
  daysBefore: number;
  /** Work still running after an invoke was answered (uploads); stop() waits for it. */
  pending: Set<Promise<void>>;
}

/** Built once in bot/start.ts from config. */
export function boardPackBotDeps(config: AppConfig, services: Services, tables: TableSet): BoardPackBotDeps {
  const links =
    config.BOARD_PACK_LINK_SECRET && config.BOARD_PACK_BASE_URL
      ? packLinks({ secret: config.BOARD_PACK_LINK_SECRET, baseUrl: config.BOARD_PACK_BASE_URL, ttlHours: config.BOARD_PACK_LINK_TTL_HOURS })
      : undefined;
  return { pack: { services, snapshots: new SnapshotRepository(tables), staleDays: config.STALE_AFTER_DAYS }, links, daysBefore: config.BOARD_PACK_DAYS_BEFORE, pending: new Set() };
}

async function mayProduce(context: TurnContext, s: Services): Promise<boolean> {
  return permissionsFor(s, callerOf(context)).mayProduceBoardPack();
}

/** "for Southend 2021 as at 20 Dec 2021" → plan words and as-at text. */
function readPackRequest(rest: string): { plan?: string; asAt?: string } {
  const m = /^(.*?)\s*\bas\s+at\s+(.+)$/i.exec(rest);
  const planPart = (m ? m[1] : rest).replace(/^(?:for|of)\b\s*/i, '').trim();
  return { plan: planPart || undefined, asAt: m?.[2].trim() };
}

async function boardPack(context: TurnContext, deps: BoardPackHandlerDeps, bp: BoardPackBotDeps, rest: string): Promise<void> {
  const s = deps.services;
  if (!(await mayProduce(context, s))) return sendCard(context, messageCard('Board packs are for administrators and managers', ['Ask your manager or a plan administrator for the latest pack.']));
  const { scope, text } = await scopeOf(s, turnFacts(context), rest);
  const req = readPackRequest(text);
  const r = await produceBoardPack(bp.pack, { plan: req.plan, scopedPlanId: scope.planId, asAt: req.asAt });
  if (r.kind !== 'ok') {
    const { title, lines } = explainRefusal(r);
    return sendCard(context, messageCard(title, lines, 'attention'));
  }
  const personal = turnFacts(context).isPersonal;
  const ref: PackRef = { planId: r.pack.planId, asAt: r.pack.asAt };
  const link = bp.links?.linkFor(ref, s.clock.now());
  await sendCard(context, boardPackCard(r.pack, { link, files: personal ? 'consent' : link ? 'link-only' : 'none' }), `Board pack: ${r.pack.planName}`);
  if (!personal) return;
  const bytes = await boardPackXlsx(r.pack);
  const consent = consentAttachment(
    { name: safeFileName(r.pack.planName, `board pack ${r.pack.asAt}.xlsx`), description: `Board pack workbook for ${r.pack.planName}, as at ${formatBritishDate(r.pack.asAt)}`, sizeInBytes: bytes.length },
    { kind: 'boardPack', ...ref },
  );
  await context.sendActivity({ type: ActivityTypes.Message, attachments: [consent] });
}

/** "board meeting <date>": services/boardMeeting sets it; this says what came of it. */
async function boardMeeting(context: TurnContext, deps: BoardPackHandlerDeps, bp: BoardPackBotDeps, rest: string): Promise<void> {
  const f = turnFacts(context);
  const r = await setBoardMeeting({ services: deps.services, snapshots: bp.pack.snapshots }, { caller: f.caller, channelId: f.channelId, text: rest, daysBefore: bp.daysBefore });
  const example = 'Say, for example, “board meeting 14 Jan 2027”.';
  switch (r.kind) {
    case 'refused':
      return sendCard(context, messageCard('Only a plan administrator can set the board meeting', ['Ask an administrator (listed in ADMIN_USER_IDS) to set it.']));
    case 'noDate':
      return sendCard(context, messageCard('When is the meeting?', [example]));
    case 'badDate':
      return sendCard(context, messageCard('That is not a date I can use', [r.reason, example], 'attention'));
    case 'past':
      return sendCard(context, messageCard('That meeting is not in the future', [`${formatBritishDate(r.date)} has already come; give the date of the next meeting.`], 'attention'));
    case 'choosePlan': {
      const { title, lines } = explainRefusal({ kind: 'plan', choice: r.choice });
      return sendCard(context, messageCard(title, lines.map((l) => l.replace('board pack for', `board meeting ${r.dateText} for`)), 'attention'));
    }
    case 'set':
      return sendCard(
        context,
        messageCard(`Board meeting set for ${r.plan.name}`, [
          `The meeting is on ${formatBritishDate(r.date)}.`,
          `The pack will be made as at ${formatBritishDate(r.packDay)} (${r.daysBefore} working days before), posted to the plan’s linked channel and sent to administrators.`,
        ], 'good'),
      );
  }
}

/** The workbook an accepted consent card offered, made again from the stored snapshot, so what is uploaded is exactly the pack that was offered. */
export function boardPackFiles(bp: BoardPackBotDeps): FileKind<Extract<ConsentContext, { kind: 'boardPack' }>> {
  return {
    mayHave: (context) => mayProduce(context, bp.pack.services),
    refused: 'Board packs are for administrators and managers, so I have not sent the workbook.',
    make: async (ctx) => {
      const pack = await storedBoardPack(bp.pack, ctx.planId, ctx.asAt);
      if (!pack) return undefined;
      return { bytes: await boardPackXlsx(pack), text: `Here is the board pack workbook for ${pack.planName}, as at ${formatBritishDate(pack.asAt)}.` };
    },
    declined: 'No problem: I have not sent the workbook. Say “board pack” whenever you want it again.',
    failed: 'Sorry, I could not save the workbook to your OneDrive just now. Say “board pack” to try again, or use the printable pack link.',
  };
}

export function registerBoardPack(app: Application<TurnState>, deps: BoardPackHandlerDeps, bp: BoardPackBotDeps): void {
  app.message(BOARD_PACK_COMMAND, async (context) => {
    const m = BOARD_PACK_COMMAND.exec((context.activity.text ?? '').trim());
    await boardPack(context, deps, bp, m?.[1] ?? '');
  });
  app.message(BOARD_MEETING_COMMAND, async (context) => {
    const m = BOARD_MEETING_COMMAND.exec((context.activity.text ?? '').trim());
    await boardMeeting(context, deps, bp, m?.[1] ?? '');
  });
}

const PAGE = (title: string, line: string) =>
  `<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8"><title>${title}</title></head><body><main><h1>${title}</h1><p>${line}</p></main></body></html>`;

/**
 * GET /board-pack/<token>: the HTML pack the token names, if its signature holds and it has not
 * expired. No other route under /board-pack exists, so nothing can be listed or guessed.
 */
export function registerBoardPackRoutes(server: restify.Server, bp: BoardPackBotDeps, logger: Logger): void {
  // A wildcard, not ":token": the router refuses named parameters over 100 characters, and a token is longer.
  server.get(`${PACK_ROUTE}/*`, async (req: restify.Request, res: restify.Response) => {
    const headers = {
      'Content-Type': 'text/html; charset=utf-8',
      'Cache-Control': 'no-store, private',
      'Referrer-Policy': 'no-referrer',
      'X-Robots-Tag': 'noindex, nofollow',
      'X-Content-Type-Options': 'nosniff',
      'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
    };
    const send = (status: number, body: string) => {
      res.writeHead(status, headers);
      res.end(body);
    };
    if (!bp.links) return send(404, PAGE('No pack here', 'Board-pack links are not set up on this bot.'));
    const check = bp.links.verify(String((req.params as Record<string, unknown> | undefined)?.['*'] ?? ''), bp.pack.services.clock.now());
    if (!check.ok) {
      logger.warn({ reason: check.reason }, 'board pack link refused');
      return check.reason === 'expired'
        ? send(410, PAGE('This link has expired', 'Board-pack links work for a limited time. Ask the person who sent it for a new one.'))
        : send(404, PAGE('No pack here', 'This link is not valid. Check it was copied whole, or ask for a new one.'));
    }
    const pack = await storedBoardPack(bp.pack, check.ref.planId, check.ref.asAt);
    if (!pack) return send(404, PAGE('No pack here', 'The pack this link names no longer exists.'));
    send(200, boardPackHtml(pack));
  });
}

/**
 * The scheduler's hook: plans whose next meeting is BOARD_PACK_DAYS_BEFORE working days away (or
 * nearer) today, each as a period one instance claims; planning produces the pack and its jobs.
 */
export function boardPackPeriods(bp: BoardPackBotDeps): (today: string) => Promise<{ period: string; plan(): Promise<Job[]> }[]> {
  return async (today) =>
    (await dueBoardPacks(bp.pack, { today, daysBefore: bp.daysBefore })).map((due) => ({
      period: due.period,
      plan: () => planBoardPack(bp.pack, { today, planId: due.planId, meeting: due.meeting, adminIds: bp.pack.services.adminIds }),
    }));
}

/** The worker's hook: a board-pack job's card, made from its stored snapshot when it is sent. */
export function boardPackContent(bp: BoardPackBotDeps): (job: Job) => Promise<Content | undefined> {
  return async (job) => {
    if (job.kind !== 'boardPack' && job.kind !== 'channelBoardPack') return undefined;
    const pack = job.planId && job.stage ? await storedBoardPack(bp.pack, job.planId, job.stage) : undefined;
    if (!pack) return { kind: 'skip', reason: 'the board pack snapshot no longer exists' };
    const link = bp.links?.linkFor({ planId: pack.planId, asAt: pack.asAt }, bp.pack.services.clock.now());
    return { kind: 'card', card: boardPackCard(pack, { link, files: link ? 'link-only' : 'none' }), summary: `Board pack: ${pack.planName}` };
  };
}
