import type { Application, TurnState } from '@microsoft/teams-ai';
import type { BotDeps } from './app';
import { callerOf, sendCard } from './turn';
import { messageCard } from './views/helpView';
import { describeArchive, setPlanArchived } from '../services/planAdmin';
import { permissionsFor } from '../services/permissions';

/** What plan administration uses of BotDeps. */
export type PlanAdminDeps = Pick<BotDeps, 'services'>;

/**
 * "archive plan NAME" / "restore plan NAME": an admin takes a plan out of questions and digests
 * (kept in storage with its history), or brings it back. Matched here, before the question
 * router, so the plan name is never read as a question.
 */
export const ARCHIVE_COMMAND = /^\s*(archive|unarchive|restore)\s+(?:the\s+)?plan\s+["“']?(.+?)["”']?\s*$/i;

export function registerPlanAdmin(app: Application<TurnState>, deps: PlanAdminDeps): void {
  app.message(ARCHIVE_COMMAND, async (context) => {
    const m = ARCHIVE_COMMAND.exec(context.activity.text ?? '');
    if (!m) return;
    const archive = m[1].toLowerCase() === 'archive';
    const caller = callerOf(context);
    if (!permissionsFor(deps.services, caller).mayAdminister()) {
      return sendCard(context, messageCard('Only a plan administrator can archive or restore a plan', ['Ask an administrator of this bot.']));
    }
    const name = m[2].slice(0, 120);
    const result = await setPlanArchived(deps.services, name, archive);
    await sendCard(context, messageCard(result.ok ? (archive ? 'Plan archived' : 'Plan restored') : 'Plan not changed', [describeArchive(result, archive, name)], result.ok ? 'good' : undefined));
  });
}
