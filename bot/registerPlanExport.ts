import { z } from 'zod';
import { ActivityTypes, type Activity, type ConversationReference, type TurnContext } from 'botbuilder';
import type { Application, TurnState } from '@microsoft/teams-ai';
import type { BotDeps } from './app';
import type { PlanInfo } from '../domain/model';
import { buildPlanExport, exportXlsx } from '../services/exportPlan';
import { findPlan } from '../services/planAdmin';
import { permissionsFor } from '../services/permissions';
import { formatBritishDate } from '../domain/dueDate';
import { renderCard } from '../cards/render';
import { callerOf, sendCard, turnFacts } from './turn';
import { messageCard } from './views/helpView';
import { plainText } from './views/userText';
import { registerVerbs } from './executeRoutes';
import { consentAttachment, safeFileName, type ConsentContext, type FileKind } from './fileConsent';

/**
 * "export plan NAME" (also "export NAME", "export NAME to excel"): an admin gets the plan as it
 * stands, in the tracker layout `npm run export` writes (services/exportPlan), as an XLSX through
 * the file consent flow. The name is resolved as archiving resolves it: only a plan's full name or
 * id is acted on; anything else is said back with the plans it could be as buttons.
 */
export const EXPORT_COMMAND = /^\s*export\b(?:\s+(?:the\s+)?plan\b)?\s*(.*?)\s*$/i;
const TO_EXCEL = /\s+(?:to|as|in|into)\s+(?:an?\s+)?(?:excel|xlsx|spreadsheet|workbook)(?:\s+(?:file|workbook|spreadsheet))?$/i;

/** The plan words of an export request: quotes and a trailing "to excel" removed. */
export function exportPlanName(rest: string): string {
  return rest.replace(TO_EXCEL, '').trim().replace(/^["“'‘](.*)["”'’]$/, '$1').trim().slice(0, 120);
}

const exportData = z.object({ planId: z.string().min(1).max(100) });
const MAX_CHOICES = 5;

/** What plan export uses of BotDeps: the services, and the adapter to offer the file in personal chat. */
export type PlanExportDeps = Pick<BotDeps, 'services' | 'adapter' | 'botAppId' | 'logger'>;

async function permission(context: TurnContext, deps: Pick<BotDeps, 'services'>) {
  return permissionsFor(deps.services, callerOf(context)).mayExport();
}

/** Sends the refusal, naming who can, and says whether it did. */
async function refusal(context: TurnContext, deps: Pick<BotDeps, 'services'>): Promise<boolean> {
  const p = await permission(context, deps);
  if (p.allowed) return false;
  await sendCard(context, messageCard('Only a plan administrator can export a plan', [`Who can: ${p.whoCan.join(', ')}. Ask one of them for the export.`]));
  return true;
}

function choiceCard(title: string, lines: string[], plans: PlanInfo[]) {
  const shown = plans.slice(0, MAX_CHOICES);
  const more = plans.length - shown.length;
  return renderCard('exportChoice', {
    title,
    lines: [...lines, ...(more > 0 ? [`${more} more not shown: say "export plan" and the full name.`] : [])].map(plainText),
    hasChoices: shown.length > 0,
    choices: shown.map((p) => ({ label: p.name.slice(0, 60), planId: p.id })),
  });
}

/** The plan the words name, or a card saying why not with the choices; never a guess. */
async function resolvePlan(deps: Pick<BotDeps, 'services'>, name: string): Promise<{ plan: PlanInfo } | { card: ReturnType<typeof choiceCard> }> {
  const found = await findPlan(deps.services, name);
  if (found.plan && found.exact) return { plan: found.plan };
  if (!name) return { card: choiceCard('Which plan?', found.all.length ? ['Say "export plan" and its name, or choose one.'] : ['No plan has been imported yet.'], found.all) };
  if (found.matches.length > 0)
    return { card: choiceCard('Which plan?', [`No plan is called exactly "${name}". Nothing was exported.`], found.matches) };
  return { card: choiceCard('No plan by that name', [`No plan is called "${name}". Nothing was exported.`, found.all.length ? 'Plans:' : 'No plan has been imported yet.'], found.all) };
}

/** The workbook for a plan as it stands now, and how many actions it holds. */
async function planWorkbook(deps: Pick<BotDeps, 'services'>, plan: PlanInfo): Promise<{ bytes: Buffer; actions: number }> {
  const e = await buildPlanExport(deps.services, plan.name);
  return { bytes: await exportXlsx(e), actions: e.rows.length };
}

/** Offers the file in personal chat; in a channel or group chat, sends the offer to the caller's personal chat if the bot can reach them there. */
async function offerExport(context: TurnContext, deps: PlanExportDeps, plan: PlanInfo): Promise<void> {
  const s = deps.services;
  const today = s.clock.today();
  const wb = await planWorkbook(deps, plan);
  const offer: Partial<Activity> = {
    type: ActivityTypes.Message,
    text: `${plan.name} as it stands on ${formatBritishDate(today)}: ${wb.actions} action${wb.actions === 1 ? '' : 's'}, in the tracker layout that re-imports unchanged. Accept to save it to your OneDrive.`,
    attachments: [
      consentAttachment(
        { name: safeFileName(plan.name, `export ${today}.xlsx`), description: `${plan.name} exported as at ${formatBritishDate(today)}`, sizeInBytes: wb.bytes.length },
        { kind: 'planExport', planId: plan.id },
      ),
    ],
  };
  const facts = turnFacts(context);
  if (facts.isPersonal) {
    await context.sendActivity(offer);
    return;
  }
  // Teams offers files only in personal chat. A plan export holds every owner's commentary, so it is
  // never posted where others can read it: it goes to the admin's own chat, or the admin is told how.
  const aad = facts.caller.aadObjectId;
  const ref = aad ? await s.conversations.get('user', aad) : undefined;
  if (ref) {
    try {
      await deps.adapter.continueConversationAsync(deps.botAppId ?? '', ref as ConversationReference, async (c) => {
        await c.sendActivity(offer);
      });
      await context.sendActivity(`Files are sent in a personal chat: I have sent the export of ${plan.name} to our chat. Accept it there to save it to your OneDrive.`);
      return;
    } catch (err) {
      deps.logger.warn({ err }, 'could not send the export offer to the personal chat');
    }
  }
  await context.sendActivity(`Files are sent in a personal chat, and I have no chat with you yet. Open a chat with me and say “export plan ${plan.name}” there, and I will send the workbook.`);
}

async function exportRequest(context: TurnContext, deps: PlanExportDeps, name: string): Promise<void> {
  if (await refusal(context, deps)) return;
  const r = await resolvePlan(deps, name);
  if ('card' in r) return sendCard(context, r.card);
  await offerExport(context, deps, r.plan);
}

/** The export made again when the consent card is accepted, so it is the plan as it stands then. */
export function planExportFiles(deps: Pick<BotDeps, 'services'>): FileKind<Extract<ConsentContext, { kind: 'planExport' }>> {
  return {
    mayHave: async (context) => (await permission(context, deps)).allowed,
    refused: 'Only a plan administrator can export a plan, so I have not sent it.',
    make: async (ctx) => {
      const plan = (await deps.services.plans.listAllPlans()).find((p) => p.id === ctx.planId);
      if (!plan) return undefined;
      const wb = await planWorkbook(deps, plan);
      return { bytes: wb.bytes, text: `Here is ${plan.name} as it stands, ${wb.actions} action${wb.actions === 1 ? '' : 's'}. Edit it and re-import it with npm run import.` };
    },
    declined: 'No problem: I have not sent the export. Say “export plan” and the plan’s name whenever you want it.',
    failed: 'Sorry, I could not save the export to your OneDrive just now, so you have not got it. Say “export plan” and the plan’s name to try again.',
  };
}

export function registerPlanExport(app: Application<TurnState>, deps: PlanExportDeps): void {
  app.message(EXPORT_COMMAND, async (context) => {
    const m = EXPORT_COMMAND.exec(context.activity.text ?? '');
    if (!m) return;
    await exportRequest(context, deps, exportPlanName(m[1]));
  });
  registerVerbs(app, {
    // A plan chosen from the "Which plan?" card: the same checks as the typed command.
    exportPlan: async (context, data) => {
      const d = exportData.safeParse(data);
      if (!d.success) return { kind: 'error', status: 400, message: 'That button sent data I could not read.' };
      if (await refusal(context, deps)) return { kind: 'message', text: 'Not exported.' };
      const plan = (await deps.services.plans.listAllPlans()).find((p) => p.id === d.data.planId);
      if (!plan) {
        await sendCard(context, messageCard('That plan no longer exists', ['Nothing was exported. Say “export plan” to see the plans there are.']));
        return { kind: 'message', text: 'Not exported.' };
      }
      await offerExport(context, deps, plan);
      return { kind: 'message', text: `Exporting ${plan.name}.` };
    },
  });
}
