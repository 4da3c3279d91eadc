import type { Intent } from '../domain/intent';
import type { Caller, Services } from '../services/context';
import * as q from '../services/planQueries';
import { kpiByCode, kpiOverview } from '../services/kpiQueries';
import type { AdaptiveCardJson } from '../cards/render';
import { PAGE_SIZE, listCard, type ListCardInput } from './views/itemListView';
import { actionCard } from './views/actionView';
import { summaryCard } from './views/summaryView';
import { kpiCard, kpiLine } from './views/kpiView';
import { helpCard, messageCard } from './views/helpView';
import { historyLine } from './views/historyView';
import { RAG_WORD, britishDate } from './views/format';
import { addDays } from '../domain/clock';
import { reminderStage } from '../domain/reminders';
import { itemLabel } from '../domain/planItem';
import { buildDigest } from '../services/digest';
import { digestCard } from './views/proactiveViews';

export interface AskContext {
  services: Services;
  caller: Caller;
  scope: q.Scope;
  timeZone: string;
  /** The text asked, so list cards can page by asking it again. */
  query: string;
  page?: number;
}

type Answer = AdaptiveCardJson;
/** Questions only: updates and sending write, so they go through their own flows, never through here. */
export type Question = Exclude<Intent, { kind: 'update' } | { kind: 'sendDigestNow' }>;
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

/** A typed route table: every intent has exactly one handler, checked by the compiler. */
const handlers: Handlers = {
  help: async () => helpCard(),
  hello: async () => helpCard({ heading: 'Hello! Here is what I can do' }),
  unknown: async (_ctx, i) => helpCard({ heading: `Sorry, I didn't understand “${i.text.slice(0, 80)}”`, suggestion: i.suggestion }),

  myActions: async (ctx) => {
    const r = await q.myActions(ctx.services, ctx.caller, ctx.scope);
    if (r.kind === 'notInDirectory')
      return messageCard('You are not in the plan directory', [
        `I couldn't find ${ctx.caller.name} in the people directory, so I don't know which actions are yours.`,
        'Ask your plan administrator to add you (role, name, email and Entra object id) to the directory and re-import it.',
      ]);
    const roles = r.roles.map((p) => p.role).join(', ');
    return list(ctx, 'My actions', `Open actions and milestones for ${roles}`, `Nothing open for ${roles}. Well done.`, r.items, true);
  },

  overdue: async (ctx, i) => {
    // Only the rows up to this page are read; the count and RAG mix come from the plans' summaries.
    const r = await q.overduePage(ctx.services, ctx.scope, i, (Math.max(0, ctx.page ?? 0) + 1) * PAGE_SIZE);
    const filters = [i.ownerRole && `for ${i.ownerRole}`, i.priorityRef && `in priority ${i.priorityRef}`, i.rag && `rated ${RAG_WORD[i.rag]}`].filter(Boolean).join(' ');
    const today = britishDate(ctx.services.clock.today());
    return list(ctx, `Overdue${filters ? ' ' + filters : ''}`, `Open items past their due date, oldest first, as at ${today}`, `Nothing is overdue${filters ? ' ' + filters : ''}.`, r.items, true, { total: r.total, ragCounts: r.rag });
  },

  dueSoon: async (ctx, i) => {
    const r = await q.dueSoon(ctx.services, ctx.scope, i.window);
    return list(ctx, `Due ${r.label}`, 'Open items, soonest first', `Nothing is due ${r.label}.`, r.items);
  },

  action: async (ctx, i) => {
    const found = await q.findAction(ctx.services, ctx.scope, i.ref);
    if (!found.length) return messageCard(`No action ${i.ref}`, [`I couldn't find an action or milestone with ref ${i.ref}. Try “priority ${i.ref.split('.')[0]}” to see the refs in that priority.`]);
    if (found.length > 1) return inSeveralPlans(ctx, i.ref, found);
    const view = found[0];
    const kpis = (await Promise.all(view.action.kpiCodes.slice(0, 6).map((c) => kpiByCode(ctx.services, c)))).filter((k): k is NonNullable<typeof k> => !!k);
    return actionCard(view, kpis, ctx.services.clock.today(), ctx.timeZone);
  },

  priority: async (ctx, i) => {
    const r = await q.priorityItems(ctx.services, ctx.scope, i.ref);
    return list(ctx, `Priority ${i.ref}${r.title ? ': ' + r.title : ''}`, 'Actions with RAG and due dates', `No actions found in priority or theme ${i.ref}.`, r.items, true);
  },

  rag: async (ctx, i) => {
    const items = await q.byRag(ctx.services, ctx.scope, i.rag, i.priorityRef);
    const where = i.priorityRef ? ` in priority ${i.priorityRef}` : '';
    return list(ctx, `${RAG_WORD[i.rag]} actions${where}`, `Open actions rated ${RAG_WORD[i.rag]}`, `No open actions are rated ${RAG_WORD[i.rag]}${where}.`, items);
  },

  whoOwns: async (ctx, i) => {
    const found = await q.findAction(ctx.services, ctx.scope, i.ref);
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
    if (!r.person) return messageCard(`Nobody holds ${i.role}`, [`No one in the directory holds the role “${i.role}”. Actions led by it show as unowned.`]);
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
    if (!k) return messageCard(`No KPI ${i.code}`, [`I don't have a KPI with code ${i.code}. Ask “kpi list” for the codes I know.`]);
    return kpiCard(k);
  },

  kpisOffTarget: async (ctx) => {
    const all = await kpiOverview(ctx.services);
    const off = all.filter((k) => k.rag === 'red' || k.rag === 'amber');
    const lines = off.map((k) => kpiLine(k));
    return messageCard(`KPIs off target: ${off.length} of ${all.length}`, lines.length ? lines : ['Every KPI with a value is on target.']);
  },

  kpiList: async (ctx) => {
    const all = await kpiOverview(ctx.services);
    const lines = all.map((k) => kpiLine(k, { direction: false }));
    return messageCard(`KPIs (${all.length})`, lines.length ? lines : ['No KPIs have been imported yet.']);
  },

  digestPreview: async (ctx) => {
    const roles = await ctx.services.directory.rolesOf(ctx.caller);
    if (!roles.length) return messageCard('No digest for you yet', [`I couldn't find ${ctx.caller.name} in the people directory.`]);
    return digestCard(await buildDigest(ctx.services, { manager: roles[0], today: ctx.services.clock.today(), planId: ctx.scope.planId }));
  },

  remindersPreview: async (ctx) => {
    const r = await q.myActions(ctx.services, ctx.caller, ctx.scope);
    if (r.kind === 'notInDirectory') return messageCard('No reminders for you', [`I couldn't find ${ctx.caller.name} in the people directory.`]);
    const today = ctx.services.clock.today();
    const lines: string[] = [];
    for (let d = 0; d < 7; d++) {
      const day = addDays(today, d);
      for (const summary of r.items) {
        const item = (await ctx.services.plans.getItemForUpdate(summary.planId, summary.ref, summary.seq))?.item;
        const stage = item ? reminderStage(item, day) : undefined;
        if (stage) lines.push(`${britishDate(day)}: **${itemLabel(summary)}** ${summary.title.slice(0, 80)} — ${stage.replace(/-w\d+$/, '').replace('-', ' ')}`);
      }
    }
    return messageCard('Reminders you would get in the next 7 days', lines.length ? lines : ['None: nothing you own falls due or is overdue this week.']);
  },

  history: async (ctx, i) => {
    const found = await q.findAction(ctx.services, ctx.scope, i.ref);
    if (!found.length) return messageCard(`No action ${i.ref}`, [`I couldn't find an action with ref ${i.ref}.`]);
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

export async function answer(ctx: AskContext, intent: Question): Promise<Answer> {
  const handler = handlers[intent.kind] as (c: AskContext, i: Question) => Promise<Answer>;
  return handler(ctx, intent);
}
