import type { TurnContext } from 'botbuilder';
import type { BotDeps } from './app';
import type { Intent } from '../domain/intent';
import { cleanText, type UpdateRequest } from '../domain/statusUpdate';
import { parseStatus } from '../domain/status';
import type { Scope } from '../services/planQueries';
import { findAction } from '../services/planQueries';
import { updateItem, type Target } from '../services/updateStatus';
import { callerOf, sendCard } from './turn';
import { messageCard } from './views/helpView';
import { plainText } from './views/userText';
import { NOT_IN_DIRECTORY, conflictNotice, currentCard, notifyAfterSave, refusalNotice, savedCard } from './updateFlow';
import type { AdaptiveCardJson } from '../cards/render';
import { itemLabel } from '../domain/planItem';

const WORD_ALIASES: Record<string, string> = { finished: 'complete', 'off track': 'red' };

/** A second identical typed update from the same person this soon is the same update sent again. */
const RESEND_WINDOW_MS = 15 * 60 * 1000;

/** What a typed update uses of the app (the card's, plus the logger for a failed confirmation). */
export type TextUpdateDeps = Pick<BotDeps, 'services' | 'timeZone' | 'logger' | 'notifier'>;

/**
 * "update 2.4 amber: recruitment delayed", "update 2.4 due 31 Jan 2027: recruitment re-run", in any
 * chat. The rules are the card's (domain/statusUpdate.applyUpdate); this only reads the sentence.
 * Sends its own reply: once a change is committed, a failure to send the confirmation must never
 * turn into "nothing was changed".
 */
export async function textUpdate(context: TurnContext, deps: TextUpdateDeps, intent: Extract<Intent, { kind: 'update' }>, scope: Scope): Promise<void> {
  const s = deps.services;
  const send = (c: AdaptiveCardJson) => sendCard(context, c);
  const found = await findAction(s, intent.planId ? { planId: intent.planId } : scope, intent.ref);
  const ref = plainText(intent.ref);
  if (!found.length) return send(messageCard(`No action ${ref}`, [`I couldn't find an action or milestone ${ref}, so nothing was changed.`]));
  if (found.length > 1)
    return send(messageCard(`${ref} is in more than one plan`, [`Ref ${ref} exists in ${found.map((f) => f.planName).join(' and ')}. Name the plan (“update ${ref} in ${found[0].planName} …”) or use Update on its card, so I know which one. Nothing was changed.`]));
  const view = found[0];
  // As just read: the owner lets the save read what it moves with the item (a hint, not a permission).
  const shown = view.focusSeq === undefined ? view.action : view.action.milestones.find((m) => m.seq === view.focusSeq) ?? view.action;
  const target: Target = { planId: view.action.planId, ref: view.action.ref, seq: view.focusSeq, ownerRoleHint: shown.ownerRole ?? '' };

  let req: UpdateRequest;
  if (intent.word === 'due') {
    if (!intent.revisedDue)
      return send(messageCard('I could not read that date', [`“${plainText(intent.revisedDueText ?? '')}” is not a date I can read. Write it like “update ${ref} due 31 Jan 2027: reason”.`, 'Nothing was changed.'], 'attention'));
    req = { revisedDue: intent.revisedDue, revisedDueReason: intent.commentary, evidenceUrl: intent.evidenceUrl };
  } else {
    const parsed = parseStatus(WORD_ALIASES[intent.word] ?? intent.word);
    if (!parsed.ok) return send(messageCard('I could not read that status', [parsed.reason, 'Nothing was changed.']));
    const isColour = ['red', 'amber', 'green'].includes(intent.word);
    req = { status: parsed.status, rag: isColour ? parsed.rag : undefined, commentary: intent.commentary, evidenceUrl: intent.evidenceUrl };
  }

  const caller = callerOf(context);
  // The item as findAction just read it: a resend of a change already made is answered, not applied again.
  if (alreadyApplied(shown, req, caller.aadObjectId ?? caller.email ?? '', s.clock.now())) {
    return send(await currentCard(deps, target, `This update was already saved (${itemLabel(shown)}); I have not saved it a second time.`));
  }

  const r = await updateItem(s, caller, target, req, { requestId: `text:${context.activity.id ?? ''}`, source: 'text' });
  switch (r.kind) {
    case 'saved': {
      await notifyAfterSave(deps, r);
      const confirmation = await savedCard(deps, target, r, r.item.status === 'awaiting_signoff' ? 'Saved. It now waits for sign-off by the owner’s manager.' : 'Saved.');
      try {
        await send(confirmation);
      } catch (err) {
        // The change is committed. Say so in the smallest reply we can; never let the turn fail, or
        // the error handler would tell the person nothing was changed and they would send it again.
        deps.logger.warn({ err }, 'could not send the confirmation of a saved text update');
        try {
          await context.sendActivity(`Saved: ${itemLabel(r.item)} is updated. (I could not show the card just now.)`);
        } catch (err2) {
          deps.logger.warn({ err: err2 }, 'could not send the short confirmation either; the update is saved');
        }
      }
      return;
    }
    case 'duplicate':
      return send(await currentCard(deps, target, 'This update was already saved; I have not saved it a second time.'));
    case 'conflict':
      return send(await currentCard(deps, target, conflictNotice(r.latest, deps.timeZone)));
    case 'refused':
      return send(messageCard('Not updated', [refusalNotice(r.item, r.whoCan), 'Nothing was changed.'], 'attention'));
    case 'invalid':
      return send(messageCard('Not updated', [...Object.values(r.errors).map((e) => plainText(e ?? '')), `Nothing was changed. Example: “update 2.4 amber: recruitment delayed two months” or “update 2.4 due 31 Jan 2027: recruitment re-run”.`], 'attention'));
    case 'notFound':
      return send(messageCard(`No action ${ref}`, ['Nothing was changed.']));
    case 'notInDirectory':
      return send(messageCard('Not updated', [NOT_IN_DIRECTORY]));
  }
}

/** The item already shows exactly this change, made by this person moments ago. */
function alreadyApplied(item: { status: string; rag: string; commentary?: string; updatedBy?: string; updatedAt?: string; due: { kind: string; date?: string } }, req: UpdateRequest, actorId: string, now: Date): boolean {
  if (!actorId || item.updatedBy !== actorId || !item.updatedAt) return false;
  if (now.getTime() - Date.parse(item.updatedAt) > RESEND_WINDOW_MS) return false;
  if (req.revisedDue) return item.due.kind === 'date' && item.due.date === req.revisedDue && !!item.commentary?.includes(cleanText(req.revisedDueReason) ?? '\u0000');
  const commentary = cleanText(req.commentary);
  if (!commentary || item.commentary !== commentary) return false;
  const statusSame = !req.status || item.status === req.status || (req.status === 'complete' && item.status === 'awaiting_signoff');
  return statusSame && (!req.rag || item.rag === req.rag);
}
