import { parseIntent, type Intent } from '../domain/intent';
import type { Unresolved } from '../domain/language/resolve';
import { callerRoles, resolveQuestion } from '../services/vocabulary';
import { plainText } from './views/userText';
import { renderCard } from '../cards/render';
import type { Caller, Services } from '../services/context';
import * as q from '../services/planQueries';
import { kpiByCode, kpiOverview, kpisLatest } from '../services/kpiQueries';
import type { AdaptiveCardJson } from '../cards/render';
import { PAGE_SIZE, listCard, type ListCardInput } from './views/itemListView';
import { actionCard } from './views/actionView';
import { signOffListCard } from './views/signOffView';
import { signOffStanding, signOffsFor } from '../services/signoffs';
import { DEFAULT_SIGNOFF_ESCALATE_WORKING_DAYS } from '../domain/signOff';
import { summaryCard } from './views/summaryView';
import { kpiCard, kpiLine } from './views/kpiView';
import { helpCard, messageCard } from './views/helpView';
import { historyLine } from './views/historyView';
import { RAG_WORD, STATUS_TEXT, britishDate, dueText, relativeDue } from './views/format';
import { itemLabel } from '../domain/planItem';
import { normaliseKpiCode } from '../domain/kpiCodes';
import { digestPreview, remindersPreview } from '../services/previews';
import { digestCard } from './views/proactiveViews';

export interface AskContext {
  services: Services;
  caller: Caller;
  scope: q.Scope;
  timeZone: string;
  /** SIGNOFF_ESCALATE_WORKING_DAYS: which sign-offs count as escalated to the asker. */
  signOffEscalateWorkingDays?: number;
  /** The text asked, so list cards can page by asking it again. */
  query: string;
  page?: number;
}

type Answer = AdaptiveCardJson;
/** Questions only: updates and sending write, so they go through their own flows, never through here. */
export type Question = Exclude<Intent, { kind: 'update' } | { kind: 'sendDigestNow' } | { kind: 'lookup' }>;
type Handlers = { [K in Question['kind']]: (ctx: AskContext, intent: Extract<Intent, { kind: K }>) => Promise<Answer> };

async function planCount(ctx: AskContext): Promise<number> {
  return ctx.scope.planId ? 1 : (await ctx.services.plans.listPlans()).length;
}

async function list(ctx: AskContext, title: string, subtitle: string, emptyText: string, items: q.ItemWithPlan[], showRagCounts = false, whole?: Pick<ListCardInput, 'total' | 'ragCounts'>): Promise<Answer> {
  return listCard({
    ...whole,
    title,
    subtitle,
    emptyText,
    items,
    today: ctx.services.clock.today(),
    query: ctx.query,
    page: ctx.page,
    showRagCounts,
    multiplePlans: (await planCount(ctx)) > 1,
  });
}

/**
 * "my sign-offs" (what awaits the asker: their reports' completed work, and anything escalated to
 * them) and "sign-offs" (everything awaiting, in scope). Each item the asker may decide carries
 * Approve, at the version listed, and Return, which opens its sign-off card for the note.
 */
export async function signOffsAnswer(s: Services, caller: Caller, scope: q.Scope, o: { mine: boolean; timeZone: string; escalateAfter?: number; notice?: string }): Promise<Answer> {
  const roles = o.mine ? (await s.directory.rolesOf(caller)).map((r) => r.role) : undefined;
  if (o.mine && !roles?.length) return messageCard('You are not in the plan directory', [NOT_IN_DIRECTORY_TEXT]);
  const today = s.clock.today();
  const items = await q.awaitingSignOff(s, scope);
  const rows = (await signOffsFor(s, caller, items, { today, timeZone: o.timeZone, escalateAfter: o.escalateAfter ?? DEFAULT_SIGNOFF_ESCALATE_WORKING_DAYS, mine: o.mine })).sort(
    (a, b) => (a.item.signOff?.requestedAt ?? a.item.updatedAt ?? '').localeCompare(b.item.signOff?.requestedAt ?? b.item.updatedAt ?? ''),
  );
  return signOffListCard({
    title: o.mine ? 'Awaiting your sign-off' : 'Awaiting sign-off',
    subtitle: o.mine ? `Items marked complete by people who report to ${plainText(roles!.join(', '))}, and any escalated to you; oldest first` : 'Items marked complete, waiting for the owner’s manager; oldest first',
    emptyText: o.mine ? 'Nothing is waiting for your sign-off.' : 'Nothing is awaiting sign-off.',
    rows,
    today,
    timeZone: o.timeZone,
    notice: o.notice,
  });
}

/** A typed route table: every intent has exactly one handler, checked by the compiler. */
const handlers: Handlers = {
  help: async () => helpCard(),
  hello: async (ctx) => {
    const roles = await callerRoles(ctx.services, ctx.caller);
    const who = roles[0]?.name ?? ctx.caller.name;
    return messageCard(`Hello${who && who !== 'Someone' ? ', ' + plainText(who.split(' ')[0]) : ''}!`, ['Ask me “my actions”, “what’s overdue” or “action 2.4”, or type help to see everything I can do.']);
  },
  smallTalk: async (_ctx, i) =>
    messageCard(
      { thanks: 'You’re welcome.', bye: 'Bye for now.', ok: 'Righto.', howAreYou: 'All well here, thanks.', sorry: 'No problem at all.' }[i.topic],
      [i.topic === 'howAreYou' ? 'Ask me “my actions” or “what’s overdue” whenever you need them.' : 'Type help whenever you want to see what I can do.'],
    ),
  unknown: async (_ctx, i) => helpCard({ heading: `Sorry, I didn't understand “${plainText(i.text.slice(0, 80))}”`, suggestion: i.suggestion }),

  behind: async (ctx) => {
    const groups = await q.behind(ctx.services, ctx.scope);
    const today = britishDate(ctx.services.clock.today());
    if (!groups.length) return messageCard('Nobody is behind', [`No open item is past its due date as at ${today}.`], 'good');
    const people = await ctx.services.directory.listAll();
    const lines = groups.map((g) => {
      const who = people.find((p) => p.role.toLowerCase() === g.owner.toLowerCase());
      const refs = g.items.slice(0, 8).map((i) => itemLabel(i)).join(', ');
      return `**${plainText(g.owner)}**${who ? ` (${plainText(who.name)})` : ''}: ${g.items.length} overdue — ${refs}${g.items.length > 8 ? ', …' : ''}`;
    });
    return messageCard(`Overdue by owner, as at ${today}`, lines);
  },

  ownerActions: async (ctx, i) => {
    const r = await q.ownerPage(ctx.services, ctx.scope, i.ownerRoles ?? [i.ownerRole], (Math.max(0, ctx.page ?? 0) + 1) * PAGE_SIZE);
    const who = plainText(i.ownerLabel ?? i.ownerRole);
    const roles = (i.ownerRoles ?? []).map(plainText).join(', ');
    return list(ctx, `Open actions for ${who}`, roles && roles !== who ? `Led by ${roles}` : 'Open actions and milestones', `Nothing open for ${who}.`, r.items, true, { total: r.total, ragCounts: r.rag });
  },

  slipping: async (ctx, i) => {
    const items = await q.slipping(ctx.services, ctx.scope, { ownerRoles: i.ownerRoles });
    const who = i.ownerLabel ? ` for ${plainText(i.ownerLabel)}` : '';
    return list(ctx, `Slipping${who}`, 'Open items whose due date has moved back, or rated Red or Amber and due within 30 days or overdue', `Nothing is slipping${who}.`, items, true);
  },

  dueDate: async (ctx, i) => {
    const found = await q.findAction(ctx.services, scoped(ctx, i.planId), i.ref);
    if (!found.length) return messageCard(`No action ${plainText(i.ref)}`, [`I couldn't find an action or milestone ${plainText(i.ref)}.`]);
    const f = found[0];
    const item = f.focusSeq !== undefined ? f.action.milestones.find((m) => m.seq === f.focusSeq) ?? f.action : f.action;
    const rel = relativeDue(item.due, item.status, ctx.services.clock.today());
    const label = itemLabel(item);
    return messageCard(`${label} is due ${dueText(item.due)}`, [
      `${f.planName}: ${plainText(item.title.slice(0, 200))}`,
      `Due ${dueText(item.due)}${rel ? ` (${rel})` : ''}${item.originalDue ? `; originally ${dueText(item.originalDue)}` : ''}. Status: ${STATUS_TEXT[item.status]}, ${RAG_WORD[item.rag]}.`,
    ]);
  },

  signedOff: async (ctx, i) => {
    const found = await q.findAction(ctx.services, scoped(ctx, i.planId), i.ref);
    if (!found.length) return messageCard(`No action ${plainText(i.ref)}`, [`I couldn't find an action or milestone ${plainText(i.ref)}.`]);
    const f = found[0];
    const item = f.focusSeq !== undefined ? f.action.milestones.find((m) => m.seq === f.focusSeq) ?? f.action : f.action;
    const label = itemLabel(item);
    const history = await ctx.services.plans.listHistory(f.action.planId, f.action.ref, 50);
    const signoff = history.find((h) => h.source === 'signoff' && (h.seq ?? undefined) === (item.seq ?? undefined));
    if (item.status === 'complete')
      return messageCard(`Yes: ${label} is signed off`, [`${f.planName}: ${plainText(item.title.slice(0, 200))}`, signoff ? `Signed off by ${plainText(signoff.byName)} on ${britishDate(signoff.at.slice(0, 10))}.` : 'It is recorded as complete in the plan.'], 'good');
    if (item.status === 'awaiting_signoff')
      return messageCard(`Not yet: ${label} is awaiting sign-off`, [`${f.planName}: ${plainText(item.title.slice(0, 200))}`, `It was marked complete${item.updatedByName ? ` by ${plainText(item.updatedByName)}` : ''} and waits for the owner’s manager to approve it.`]);
    return messageCard(`No: ${label} has not been signed off`, [`${f.planName}: ${plainText(item.title.slice(0, 200))}`, `It is ${STATUS_TEXT[item.status]}, ${RAG_WORD[item.rag]}; it has not been marked complete.`]);
  },

  signOffs: async (ctx, i) => signOffsAnswer(ctx.services, ctx.caller, ctx.scope, { mine: i.mine, timeZone: ctx.timeZone, escalateAfter: ctx.signOffEscalateWorkingDays }),

  myActions: async (ctx) => {
    // Only the rows up to this page are read; the count and RAG mix come from the owners' count rows.
    const r = await q.myActionsPage(ctx.services, ctx.caller, ctx.scope, (Math.max(0, ctx.page ?? 0) + 1) * PAGE_SIZE);
    if (r.kind === 'notInDirectory')
      return messageCard('You are not in the plan directory', [
        `I couldn't find ${ctx.caller.name} in the people directory, so I don't know which actions are yours.`,
        'Ask your plan administrator to add you (role, name, email and Entra object id) to the directory and re-import it.',
      ]);
    const roles = r.roles.map((p) => p.role).join(', ');
    return list(ctx, 'My actions', `Open actions and milestones for ${roles}`, `Nothing open for ${roles}. Well done.`, r.page.items, true, { total: r.page.total, ragCounts: r.page.rag });
  },

  overdue: async (ctx, i) => {
    // Only the rows up to this page are read; the count and RAG mix come from the plans' summaries.
    const r = await q.overduePage(ctx.services, ctx.scope, i, (Math.max(0, ctx.page ?? 0) + 1) * PAGE_SIZE);
    const filters = [i.ownerRole && `for ${plainText(i.ownerLabel ?? i.ownerRole)}`, i.priorityRef && `in priority ${i.priorityRef}`, i.rag && `rated ${RAG_WORD[i.rag]}`].filter(Boolean).join(' ');
    const today = britishDate(ctx.services.clock.today());
    return list(ctx, `Overdue${filters ? ' ' + filters : ''}`, `Open items past their due date, oldest first, as at ${today}`, `Nothing is overdue${filters ? ' ' + filters : ''}.`, r.items, true, { total: r.total, ragCounts: r.rag });
  },

  dueSoon: async (ctx, i) => {
    const r = await q.dueSoon(ctx.services, ctx.scope, i.window, { ownerRoles: i.ownerRoles });
    const who = i.ownerLabel ? ` for ${plainText(i.ownerLabel)}` : '';
    return list(ctx, `Due ${r.label}${who}`, 'Open items, soonest first', `Nothing is due ${r.label}${who}.`, r.items);
  },

  action: async (ctx, i) => {
    const found = await q.findAction(ctx.services, scoped(ctx, i.planId), i.ref);
    if (!found.length) return messageCard(`No action ${plainText(i.ref)}`, [`I couldn't find an action or milestone with ref ${plainText(i.ref)}. Try “priority ${plainText(i.ref.split('.')[0])}” to see the refs in that priority.`]);
    if (found.length > 1) return inSeveralPlans(ctx, i.ref, found);
    const view = found[0];
    const focus = (view.focusSeq !== undefined ? view.action.milestones.find((m) => m.seq === view.focusSeq) : undefined) ?? view.action;
    const [kpis, standing] = await Promise.all([
      kpisLatest(ctx.services, view.action.kpiCodes.slice(0, 6)),
      signOffStanding(ctx.services, ctx.caller, focus),
    ]);
    return actionCard(view, kpis, ctx.services.clock.today(), ctx.timeZone, standing);
  },

  priority: async (ctx, i) => {
    const r = await q.priorityItems(ctx.services, ctx.scope, i.ref);
    return list(ctx, `Priority ${i.ref}${r.title ? ': ' + r.title : ''}`, 'Actions with RAG and due dates', `No actions found in priority or theme ${i.ref}.`, r.items, true);
  },

  rag: async (ctx, i) => {
    // Only the rows up to this page are read, with the count from the rag| index's count row.
    const r = await q.byRagPage(ctx.services, ctx.scope, i.rag, { priorityRef: i.priorityRef, ownerRoles: i.ownerRoles }, (Math.max(0, ctx.page ?? 0) + 1) * PAGE_SIZE);
    const where = `${i.priorityRef ? ` in priority ${i.priorityRef}` : ''}${i.ownerLabel ? ` for ${plainText(i.ownerLabel)}` : ''}`;
    return list(ctx, `${RAG_WORD[i.rag]} actions${where}`, `Open actions rated ${RAG_WORD[i.rag]}`, `No open actions are rated ${RAG_WORD[i.rag]}${where}.`, r.items, false, { total: r.total, ragCounts: r.rag });
  },

  whoOwns: async (ctx, i) => {
    const found = await q.findAction(ctx.services, scoped(ctx, i.planId), i.ref);
    if (!found.length) return messageCard(`No action ${i.ref}`, [`I couldn't find an action with ref ${i.ref}.`]);
    const lines = found.map((f) => {
      const role = f.action.ownerRole;
      if (!role) return `${f.planName}: action ${f.action.ref} has no lead named in the plan.`;
      return f.lead
        ? `${f.planName}: action ${f.action.ref} is led by ${role}, which is ${f.lead.name} (${f.lead.email}).`
        : `${f.planName}: action ${f.action.ref} is led by ${role}, but nobody in the directory holds that role.`;
    });
    return messageCard(`Who owns ${i.ref}`, lines);
  },

  whoIs: async (ctx, i) => {
    const r = await q.whoIs(ctx.services, i.role);
    if (!r.person) return messageCard(`Nobody holds ${plainText(i.role)}`, [`No one in the directory holds the role “${plainText(i.role)}”. Actions led by it show as unowned.`]);
    return messageCard(`${r.person.role} is ${r.person.name}`, [
      `Email: ${r.person.email}`,
      r.person.managerRole ? `Reports to ${r.person.managerRole}${r.manager ? ` (${r.manager.name})` : ''}.` : 'Reports to nobody in the directory.',
    ]);
  },

  summary: async (ctx) => summaryCard(await q.summary(ctx.services, ctx.scope), ctx.services.clock.today()),

  unowned: async (ctx) =>
    list(ctx, 'Unowned actions', 'Open actions whose lead is missing or matches nobody in the directory', 'Every open action has an owner in the directory.', await q.unowned(ctx.services, ctx.scope)),

  kpi: async (ctx, i) => {
    const k = await kpiByCode(ctx.services, i.code);
    if (!k) return messageCard(`No KPI ${plainText(i.code)}`, [`I don't have a KPI with code ${plainText(i.code)}. Ask “kpi list” for the codes I know.`]);
    return kpiCard(k);
  },

  kpisOffTarget: async (ctx, i) => {
    const all = await kpiOverview(ctx.services);
    const off = all.filter((k) => (i.rag ? k.rag === i.rag : k.rag === 'red' || k.rag === 'amber'));
    const lines = off.map((k) => kpiLine(k));
    const which = i.rag ? `KPIs rated ${RAG_WORD[i.rag]}` : 'KPIs off target';
    return messageCard(`${which}: ${off.length} of ${all.length}`, lines.length ? lines : [i.rag ? `No KPI is rated ${RAG_WORD[i.rag]}.` : 'Every KPI with a value is on target.']);
  },

  kpiList: async (ctx) => {
    const all = await kpiOverview(ctx.services);
    const lines = all.map((k) => kpiLine(k, { direction: false }));
    return messageCard(`KPIs (${all.length})`, lines.length ? lines : ['No KPIs have been imported yet.']);
  },

  digestPreview: async (ctx) => {
    const r = await digestPreview(ctx.services, ctx.caller, ctx.scope);
    if (r.kind === 'notInDirectory') return messageCard('No digest for you yet', [`I couldn't find ${ctx.caller.name} in the people directory.`]);
    return digestCard(r.digest);
  },

  remindersPreview: async (ctx) => {
    const r = await remindersPreview(ctx.services, ctx.caller, ctx.scope);
    if (r.kind === 'notInDirectory') return messageCard('No reminders for you', [`I couldn't find ${ctx.caller.name} in the people directory.`]);
    const lines = r.reminders.map(({ day, item, stage }) => `${britishDate(day)}: **${itemLabel(item)}** ${item.title.slice(0, 80)} — ${stage.replace(/-w\d+$/, '').replace('-', ' ')}`);
    return messageCard('Reminders you would get in the next 7 days', lines.length ? lines : ['None: nothing you own falls due or is overdue this week.']);
  },

  history: async (ctx, i) => {
    const found = await q.findAction(ctx.services, scoped(ctx, i.planId), i.ref);
    if (!found.length) return messageCard(`No action ${plainText(i.ref)}`, [`I couldn't find an action with ref ${plainText(i.ref)}.`]);
    if (found.length > 1) return inSeveralPlans(ctx, i.ref, found);
    const f = found[0];
    const entries = await ctx.services.plans.listHistory(f.action.planId, f.action.ref, 50);
    return messageCard(`History of ${f.action.ref} (${f.planName})`, entries.length ? entries.map((h) => historyLine(h, ctx.timeZone)) : ['No changes have been recorded for this action yet.']);
  },
};

/** A ref several plans use: list the matches, each opening its own plan's action, rather than guess. */
function inSeveralPlans(ctx: AskContext, ref: string, found: q.ActionView[]): Promise<Answer> {
  const items = found.map((f) => ({ ...f.action, planName: f.planName }));
  return list(ctx, `${ref} is in ${found.length} plans`, `Choose one, or name the plan: “action ${ref} in ${found[0].planName}”`, '', items);
}

const NOT_IN_DIRECTORY_TEXT = 'I couldn’t find you in the people directory, so I don’t know which actions are yours. Ask your plan administrator to add you.';

function scoped(ctx: AskContext, planId: string | undefined): q.Scope {
  return planId ? { planId } : ctx.scope;
}

export async function answer(ctx: AskContext, intent: Question): Promise<Answer> {
  const handler = handlers[intent.kind] as (c: AskContext, i: Question) => Promise<Answer>;
  return handler(ctx, intent);
}

/** The words not recognised, said back exactly, with the closest real choices as buttons. */
export function clarifyCard(parts: Unresolved[]): Answer {
  const choices = parts.flatMap((p) => p.choices).slice(0, 5);
  const title = parts.length === 1 && parts[0].what === 'ref' && parts[0].choices.length > 1 && /Which one/.test(parts[0].message) ? 'Which plan?' : 'I need a little more to answer that';
  return renderCard('clarify', {
    title,
    lines: parts.map((p) => plainText(p.message)),
    hasChoices: choices.length > 0,
    choices: choices.map((c) => ({ label: c.label.slice(0, 60), ask: c.ask.slice(0, 200) })),
  });
}

export type Understood =
  | { kind: 'question'; intent: Question }
  | { kind: 'update'; intent: Extract<Intent, { kind: 'update' }> }
  | { kind: 'sendDigestNow' }
  | { kind: 'clarify'; card: Answer }
  /** Answered by the read that understood it (a KPI named by its exact code). */
  | { kind: 'answered'; card: Answer };

/** Parse, then resolve every mention against the plan's vocabulary; anything unresolved is a question back. */
export async function understand(ctx: Pick<AskContext, 'services' | 'caller' | 'scope'>, text: string): Promise<Understood> {
  const parsed = parseIntent(text, { today: ctx.services.clock.today() });
  if (parsed.kind === 'sendDigestNow') return { kind: 'sendDigestNow' };
  if (['help', 'hello', 'smallTalk', 'unknown', 'summary', 'unowned', 'kpiList', 'kpisOffTarget', 'digestPreview', 'remindersPreview', 'myActions', 'behind', 'signOffs'].includes(parsed.kind))
    return { kind: 'question', intent: parsed as Question };
  // Questions that mention nothing to resolve ("what's overdue") read no vocabulary at all.
  const mentions = parsed as { ownerRole?: string; priorityRef?: string; windowUnread?: boolean; otherWords?: string[] };
  if (['overdue', 'slipping', 'dueSoon', 'rag'].includes(parsed.kind) && !mentions.ownerRole && !mentions.priorityRef && !mentions.windowUnread && !mentions.otherWords?.length) {
    delete mentions.otherWords;
    return { kind: 'question', intent: parsed as Question };
  }
  // "kpi c056" typed as the KPI file defines it: the exact code wins resolution (findKpiCode), so
  // the definition and series read for the card also resolve it. Anything else is resolved first.
  if (parsed.kind === 'kpi' && !parsed.name) {
    const k = await kpiByCode(ctx.services, normaliseKpiCode(parsed.code));
    if (k) return { kind: 'answered', card: kpiCard(k) };
  }
  const r = await resolveQuestion(ctx.services, ctx.scope, ctx.caller, parsed);
  if (r.kind === 'clarify') return { kind: 'clarify', card: clarifyCard(r.unresolved) };
  if (r.intent.kind === 'update') return { kind: 'update', intent: r.intent };
  if (r.intent.kind === 'lookup' || r.intent.kind === 'sendDigestNow') return { kind: 'question', intent: { kind: 'unknown', text } };
  return { kind: 'question', intent: r.intent };
}

/** A question from chat or a button: understood, then answered (or asked back). */
export async function ask(ctx: AskContext, text: string): Promise<Answer> {
  const u = await understand(ctx, text);
  if (u.kind === 'clarify' || u.kind === 'answered') return u.card;
  // Buttons and questions only read; a write reaching here gets help instead.
  if (u.kind !== 'question') return helpCard();
  return answer(ctx, u.intent);
}
