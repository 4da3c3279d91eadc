import type { TurnContext } from 'botbuilder';
import type { BotDeps } from './app';
import type { Intent } from '../domain/intent';
import type { UpdateRequest } from '../domain/statusUpdate';
import { parseStatus } from '../domain/status';
import { findAction, type Scope } from '../services/planQueries';
import { updateItem, type Target } from '../services/updateStatus';
import { callerOf } from './turn';
import { messageCard } from './views/helpView';
import { NOT_IN_DIRECTORY, conflictNotice, currentCard, notifyAfterSave, refusalNotice } from './updateFlow';
import type { AdaptiveCardJson } from '../cards/render';

const WORD_ALIASES: Record<string, string> = { finished: 'complete', 'off track': 'red' };

/** "update 2.4 amber: recruitment delayed" and friends, in any chat. Confirms with the action card. */
export async function textUpdate(context: TurnContext, deps: BotDeps, intent: Extract<Intent, { kind: 'update' }>, scope: Scope): Promise<AdaptiveCardJson> {
  const s = deps.services;
  const found = await findAction(s, scope, intent.ref);
  if (!found.length) return messageCard(`No action ${intent.ref}`, [`I couldn't find an action or milestone ${intent.ref}, so nothing was changed.`]);
  if (found.length > 1)
    return messageCard(`${intent.ref} is in more than one plan`, [
      `Ref ${intent.ref} exists in ${found.map((f) => f.planName).join(' and ')}. Name the plan (“update ${intent.ref} in ${found[0].planName} …”) or use Update on its card, so I know which one. Nothing was changed.`,
    ]);
  const view = found[0];
  const target: Target = { planId: view.action.planId, ref: view.action.ref, seq: view.focusSeq };
  const parsed = parseStatus(WORD_ALIASES[intent.word] ?? intent.word);
  if (!parsed.ok) return messageCard('I could not read that status', [parsed.reason, 'Nothing was changed.']);
  const isColour = ['red', 'amber', 'green'].includes(intent.word);
  const req: UpdateRequest = { status: parsed.status, rag: isColour ? parsed.rag : undefined, commentary: intent.commentary, evidenceUrl: intent.evidenceUrl };
  const r = await updateItem(s, callerOf(context), target, req, { requestId: `text:${context.activity.id ?? ''}`, source: 'text' });
  switch (r.kind) {
    case 'saved':
      await notifyAfterSave(deps, r);
      return currentCard(deps, target, r.item.status === 'awaiting_signoff' ? 'Saved. It now waits for sign-off by the owner’s manager.' : undefined);
    case 'duplicate':
      return currentCard(deps, target);
    case 'conflict':
      return currentCard(deps, target, conflictNotice(r.latest, deps.timeZone));
    case 'refused':
      return messageCard('Not updated', [refusalNotice(r.item, r.whoCan), 'Nothing was changed.'], 'attention');
    case 'invalid':
      return messageCard('Not updated', [...Object.values(r.errors), 'Nothing was changed. Example: “update 2.4 amber: recruitment delayed two months”.'], 'attention');
    case 'notFound':
      return messageCard(`No action ${intent.ref}`, ['Nothing was changed.']);
    case 'notInDirectory':
      return messageCard('Not updated', [NOT_IN_DIRECTORY]);
  }
}
