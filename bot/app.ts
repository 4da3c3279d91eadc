import { Application, TurnState } from '@microsoft/teams-ai';
import type { TeamsAdapter } from '@microsoft/teams-ai';
import type { Services } from '../services/context';
import type { DigestScheduler } from '../services/sendDigestNow';
import type { Logger } from './logger';
import type { Notifier } from './notifier';
import { registerConversationTracking } from './registerConversationTracking';
import { registerUpdates } from './registerUpdates';
import { registerVerbs, UNKNOWN_VERB, unknownVerb } from './executeRoutes';
import { registerWelcome } from './registerWelcome';
import { registerQuestions } from './registerQuestions';
import { registerCardActions } from './registerCardActions';
import { registerTenantGuard } from './registerTenantGuard';
import { registerProactive } from './registerProactive';
import { boardPackFiles, registerBoardPack, type BoardPackBotDeps } from './registerBoardPack';
import { registerKpiRecording } from './registerKpiRecording';
import { registerPlanAdmin } from './registerPlanAdmin';
import { planExportFiles, registerPlanExport } from './registerPlanExport';
import { registerFileConsent } from './fileConsent';

export interface BotDeps {
  services: Services;
  adapter: TeamsAdapter;
  timeZone: string;
  allowedTenants: ReadonlySet<string>;
  logger: Logger;
  notifier: Notifier;
  /** Queue today's digests now (admins' "send digest now"); resolves once the recipients are counted. */
  sendDigestNow: DigestScheduler['sendDigestNow'];
  /** Proactive delivery for operators and first contact (bot/registerProactive.ts). */
  proactive?: import('./registerProactive').ProactiveDeps;
  botAppId?: string;
  /** Board packs (bot/registerBoardPack.ts); absent in tools that build an app without them. */
  boardPack?: BoardPackBotDeps;
  /** KPI_REMINDER_WORKING_DAYS: when a KPI period's value falls due ("kpis due", the record card). */
  kpiWorkingDays?: number;
  /** SIGNOFF_ESCALATE_WORKING_DAYS: when a waiting sign-off is escalated to the manager's manager. */
  signOffEscalateWorkingDays?: number;
}

export function createApp(deps: BotDeps): Application<TurnState> {
  // No turn-state storage: no handler reads or writes teams-ai's conversation/user/temp state (every
  // answer is built from the plan store), and with storage set teams-ai reads two BotState rows
  // before every turn and writes them back after it: two of every question's table requests.
  // teams-ai treats a missing storage as "state lives for this turn only".
  const app = new Application<TurnState>({
    adapter: deps.adapter,
    botAppId: deps.botAppId,
    removeRecipientMention: true,
    startTypingTimer: false,
    longRunningMessages: false,
  });
  // teams-ai 1.7 ignores `startTypingTimer: false` (Application.run starts the timer regardless), and
  // its one timer is shared by every concurrent turn. Under load that sent stray "typing" activities:
  // extra connector calls that count against Teams' per-conversation limits, and replies that
  // arrive after a typing activity. Honour the option here, in the Teams port.
  app.startTypingTimer = () => undefined;
  // Order matters: the guard runs before any handler can read or write.
  registerTenantGuard(app, deps);
  registerProactive(app, deps);
  registerConversationTracking(app, deps);
  registerWelcome(app, deps);
  registerCardActions(app, deps);
  registerUpdates(app, deps);
  // Before the question router: it claims only messages that record a value for a KPI that exists.
  registerKpiRecording(app, deps);
  registerPlanAdmin(app, deps);
  registerPlanExport(app, deps);
  // One handler for every file consent answer; the card's context says which file it was. Uploads
  // still running join the board pack's pending set, which stop() already waits for.
  registerFileConsent(app, deps, { boardPack: deps.boardPack && boardPackFiles(deps.boardPack), planExport: planExportFiles(deps) }, deps.boardPack?.pending ?? new Set());
  // Last, so it only sees verbs no one else claimed (a stale card from an older version, a forged one).
  registerVerbs(app, { [UNKNOWN_VERB]: unknownVerb });
  // Before the questions: "board pack" and "board meeting …" are claimed here, not parsed as questions.
  if (deps.boardPack) registerBoardPack(app, deps, deps.boardPack);
  registerQuestions(app, deps);
  return app;
}
