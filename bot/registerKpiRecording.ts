import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { Application, TurnState } from '@microsoft/teams-ai';
import type { TurnContext } from 'botbuilder';
import type { BotDeps } from './app';
import type { Caller } from '../services/context';
import { checkWrittenUnit, leadingKpiCode, looksLikeKpiValue, parseKpiValueText, resolvePeriod } from '../domain/kpiValueText';
import { findKpiCode, normaliseKpiCode } from '../domain/kpiCodes';
import { formatPeriod, formatValue, typedPeriod } from '../domain/kpi';
import { formatBritishDate } from '../domain/dueDate';
import { parseNumber } from '../domain/import/kpiParser';
import { kpiByCode } from '../services/kpiQueries';
import { duePeriods, kpisOwed, recordKpiValue, recordPermission, setKpiOwner, type RecordField, type RecordResult } from '../services/kpiRecording';
import { notInDirectory } from '../services/permissions';
import { ragText } from '../domain/status';
import { afterKpiSaved } from '../services/kpiAfterSave';
import { registerVerbs } from './executeRoutes';
import { callerOf, sendCard, type InvokeReply } from './turn';
import { kpiCard, kpiRecordCard } from './views/kpiView';
import { messageCard } from './views/helpView';
import { plainText } from './views/userText';
import { britishDateTime } from './views/format';
import type { AdaptiveCardJson } from '../cards/render';
import type { KpiDefinition } from '../domain/model';

const OWNER_COMMAND = /^kpis?\s+([a-z0-9][a-z0-9 ._-]{0,19}?)\s+(?:owner|owned\s+by)\s*(?:is\s+|=\s*|:\s*|to\s+)?(.+)$/i;
const DUE_COMMAND = /^(?:kpis?\s+(?:due|owed|i\s+owe|to\s+record|missing)|my\s+kpis?(?:\s+due)?|what\s+kpis?\s+(?:do\s+i\s+owe|are\s+due|am\s+i\s+due\s+to\s+record))\??$/i;

const NOT_IN_DIRECTORY = "You're not in the plan directory, so I can't tell which KPIs you record. Ask your plan administrator to add you. Nothing was changed.";

const code = z.string().regex(/^[a-z0-9](?:[a-z0-9_.-]| (?=[a-z0-9])){0,19}$/i, 'is not a KPI code');
/** A stored period key (domain/kpi PeriodKind): 2026-11, 2026-Q4, 2026-11-02, 2026-T1, 2026, FY2026-27, AY2026-27. */
const PERIOD = String.raw`(?:\d{4}(?:-(?:\d{2}|Q[1-4]|T[1-3]|\d{2}-\d{2}))?|(?:FY|AY)\d{4}-\d{2})`;
const versions = z.string().regex(new RegExp(`^${PERIOD}:\\d{1,6}(?:,${PERIOD}:\\d{1,6}){0,11}$`), 'is not a list of periods');
const text = (max: number) => z.string().max(max, `must be at most ${max} characters`).optional();
const codeData = z.object({ code });
const submitData = z.object({ code, versions, period: z.string().max(10).optional(), value: z.string().max(40).optional(), note: text(500), source: text(500), reason: text(500) });

/** Text the router hands on: mentions are already removed by teams-ai; the rest is what the person typed. */
function messageText(context: TurnContext): string {
  return (context.activity.text ?? '').trim().slice(0, 2000);
}

function badData(error: z.ZodError): InvokeReply {
  const fields = error.issues.map((i) => `${i.path.join('.') || 'data'} ${i.message}`).join('; ');
  return { kind: 'error', status: 400, message: `That card sent data I could not accept (${fields}). Nothing was saved.` };
}

/** What a saved value did, in one sentence: the value, the correction if any, and RAG now. */
export function savedNotice(r: Extract<RecordResult, { kind: 'saved' }>): string {
  const d = r.def;
  const p = formatPeriod(r.point.period);
  const was = r.before ? ` (was ${formatValue(r.before.value, d.unit)}; reason: ${r.correction?.reason})` : '';
  const before = r.statusBefore.rag;
  const after = r.statusAfter.rag;
  const rag = before !== after && before ? `${d.code} is now ${ragText(after ?? 'none')} (was ${ragText(before)}), ${r.statusAfter.direction}.` : `${d.code} is ${ragText(after ?? 'none')}, ${r.statusAfter.direction}.`;
  return `Saved: ${formatValue(r.point.value, d.unit)} for ${p}${was}. ${rag}`;
}

function whoRecorded(p: { enteredByName?: string; enteredBy: string; enteredAt: string }, timeZone: string): string {
  return `${p.enteredByName ?? p.enteredBy}, ${britishDateTime(p.enteredAt, timeZone)}`;
}

/**
 * Recording KPI values from chat: typed ("kpi c056 nov 2026 85.1%"), from the KPI card's "Record
 * value" form, and from a reminder card; an admin naming a KPI's owner; "kpis due". Registered before
 * the question router, and it claims a message only when it names a KPI that exists, so "kpi c056"
 * and everything else still reach the questions.
 */
/** What KPI recording uses of BotDeps. */
export type KpiRecordingDeps = Pick<BotDeps, 'services' | 'logger' | 'notifier' | 'timeZone' | 'kpiWorkingDays'>;

export function registerKpiRecording(app: Application<TurnState>, deps: KpiRecordingDeps): void {
  const s = deps.services;

  const claims = async (context: TurnContext): Promise<boolean> => {
    if (context.activity.type !== 'message') return false;
    const t = messageText(context);
    if (!t) return false;
    if (DUE_COMMAND.test(t)) return true;
    const owner = OWNER_COMMAND.exec(t);
    if (owner) return !!(await definitionOf(owner[1]));
    if (!looksLikeKpiValue(t)) return false;
    return !!(await kpiNamed(t));
  };

  /** The KPI a code names, by its stored form (one read) or, failing that, by letters and digits ("NI062" → "ni 062"). */
  async function definitionOf(typed: string): Promise<KpiDefinition | undefined> {
    const direct = await s.kpis.getDefinition(normaliseKpiCode(typed));
    if (direct) return direct;
    const defs = await s.kpis.listDefinitions();
    const code = findKpiCode(typed, defs.map((d) => d.code));
    return code ? defs.find((d) => d.code === code) : undefined;
  }

  /** The KPI a typed value starts with: "kpi c056 …" in one read; "kpi NI 062 …", "kpi ni062 …" against the definitions. */
  async function kpiNamed(t: string): Promise<KpiDefinition | undefined> {
    const lead = leadingKpiCode(t);
    if (!lead) return undefined;
    const direct = await s.kpis.getDefinition(lead.code);
    if (direct) return direct;
    const defs = await s.kpis.listDefinitions();
    const known = leadingKpiCode(t, defs.map((d) => d.code));
    return known ? defs.find((d) => d.code === known.code) : undefined;
  }

  app.message(claims, async (context) => {
    const t = messageText(context);
    const caller = callerOf(context);
    if (DUE_COMMAND.test(t)) return sendCard(context, await owedCard(caller));
    const owner = OWNER_COMMAND.exec(t);
    if (owner) return sendCard(context, await ownerReply(caller, (await definitionOf(owner[1]))?.code ?? normaliseKpiCode(owner[1]), owner[2].trim()));
    await sendCard(context, await typedValue(context, caller, t));
  });

  async function owedCard(caller: Caller): Promise<AdaptiveCardJson> {
    const r = await kpisOwed(s, caller, deps.kpiWorkingDays);
    if (!r.roles.length) return messageCard('KPIs due', [NOT_IN_DIRECTORY.replace(' Nothing was changed.', '')]);
    if (!r.owned) return messageCard('KPIs due', [`You hold ${r.roles.join(', ')}; no KPI has one of those roles as its owner, so you owe no values.`]);
    if (!r.owed.length) return messageCard('KPIs due: none', [`Every KPI you own (${r.owned}) has its latest value recorded.`]);
    const today = s.clock.today();
    return messageCard(`KPIs due: ${r.owed.length}`, [
      ...r.owed.map((o) => `**${o.def.code}** ${o.def.name}: ${formatPeriod(o.period)}, due ${formatBritishDate(o.dueDate)}${o.dueDate < today ? ' (overdue)' : ''}`),
      `Record one by typing “kpi ${r.owed[0].def.code} ${typedPeriod(r.owed[0].period)} <value>” or with Record value on its card.`,
    ]);
  }

  async function ownerReply(caller: Caller, kpiCode: string, role: string): Promise<AdaptiveCardJson> {
    const r = await setKpiOwner(s, caller, kpiCode, role);
    switch (r.kind) {
      case 'set':
        return messageCard(`${r.def.code} owner: ${r.role}`, [
          `${r.holder.name} (${r.role}) now records ${r.def.code} ${r.def.name}${r.previous && r.previous !== r.role ? `, instead of ${r.previous}` : ''}.`,
        ]);
      case 'notAdmin':
        return messageCard('Owner not changed', ['Only a plan administrator can set who owns a KPI. Nothing was changed.']);
      case 'notFound':
        return messageCard(`No KPI ${kpiCode}`, [`I don't have a KPI with code ${kpiCode}. Nothing was changed.`]);
      case 'unknownRole':
        return messageCard('Owner not changed', [
          `No one in the directory holds "${plainText(r.role)}", so I can't tell who would record it. Nothing was changed.`,
          r.close.length ? `Roles that look close: ${r.close.join(', ')}.` : 'Ask “who is <role>” to check a role.',
        ]);
      case 'conflict':
        return messageCard('Owner not changed', [`${kpiCode} changed while I was saving; please try again. Nothing was changed.`]);
    }
  }

  async function typedValue(context: TurnContext, caller: Caller, t: string): Promise<AdaptiveCardJson> {
    const today = s.clock.today();
    const named = await kpiNamed(t);
    const parsed = parseKpiValueText(t, today, named ? [named.code] : undefined);
    if (!parsed) return messageCard('I could not read that value', ['Nothing was changed. Example: “kpi c056 nov 2026 85.1%”.']);
    const def = await s.kpis.getDefinition(parsed.code);
    if (!def) return messageCard(`No KPI ${parsed.code}`, [`I don't have a KPI with code ${parsed.code}. Nothing was changed.`]);
    // The lines echo words the person typed: plain text, never Markdown.
    const notSaved = (lines: string[]) => messageCard(`${def.code}: not recorded`, [...lines.map(plainText), 'Nothing was changed.']);
    if (!parsed.ok) return notSaved([parsed.message]);
    // Permission first, so someone who may not record it is told who can before any detail of the value.
    const { authority, permission } = await recordPermission(s, caller, def);
    if (notInDirectory(authority)) return messageCard(`${def.code}: not recorded`, [NOT_IN_DIRECTORY]);
    if (!permission.allowed) return notSaved([`You can't record ${def.code}. It can be recorded by ${permission.whoCan.join(' or ')}.`]);
    const unitProblem = checkWrittenUnit(def, parsed.unit, parsed.valueText);
    if (unitProblem) return notSaved([unitProblem]);
    const period = resolvePeriod(def, parsed.period, today);
    if (!period.ok) return notSaved([period.message]);
    const r = await recordKpiValue(s, caller, { code: def.code, period: period.period, value: parsed.value, valueText: parsed.valueText, reason: parsed.reason }, { requestId: `kpitext:${context.activity.id ?? ''}` });
    return replyCard(r, def, 'text', { code: def.code, period: period.period, valueText: parsed.valueText });
  }

  /** One reply for every outcome, typed or from a card. Cards get the form back when there is something to fix. */
  async function replyCard(r: RecordResult, def: KpiDefinition, via: 'text' | 'card', asked: { code: string; period: string; valueText: string; values?: Partial<Record<RecordField, string>> }): Promise<AdaptiveCardJson> {
    const current = async (notice: string) => {
      const k = await kpiByCode(s, def.code);
      return k ? kpiCard(k, { notice }) : messageCard(def.code, [notice]);
    };
    const form = async (notice: string, errors: Partial<Record<RecordField, string>> = {}) => {
      const series = await s.kpis.getSeries(def.code);
      return kpiRecordCard({ def, periods: duePeriods(def, series, s.clock.today(), deps.kpiWorkingDays), values: asked.values, errors, notice });
    };
    const p = formatPeriod(asked.period);
    switch (r.kind) {
      case 'saved':
        await afterSaved(deps, r);
        return current(savedNotice(r));
      case 'duplicate':
        return current(`Already recorded: ${formatValue(r.point.value, def.unit)} for ${formatPeriod(r.point.period)}.`);
      case 'unchanged':
        return current(`${p} already has ${formatValue(r.point.value, def.unit)} (${whoRecorded(r.point, deps.timeZone)}); nothing changed.`);
      case 'conflict': {
        const who = r.latest ? `${r.latest.enteredByName ?? r.latest.enteredBy} recorded ${formatValue(r.latest.value, def.unit)} for ${p} at ${britishDateTime(r.latest.enteredAt, deps.timeZone)}` : `The value for ${p} changed`;
        const line = `${who}, after you opened this card, so your value (${asked.valueText}) was not saved. Check the latest and save again if yours still stands.`;
        return via === 'card' ? form(line) : current(line);
      }
      case 'needsReason': {
        const line = `${p} already has ${formatValue(r.existing.value, def.unit)} (${whoRecorded(r.existing, deps.timeZone)}). A correction needs a reason, and the old value is kept in the history.`;
        if (via === 'card') return form('Nothing has been saved yet.', { reason: `${line} Say why it is being corrected.` });
        return messageCard(`${def.code}: not recorded`, [line, plainText(`Add the reason after a colon: “kpi ${def.code} ${p.replace(/ \(.*\)$/, '')} ${asked.valueText}: figure restated by the data team”.`), 'Nothing was changed.']);
      }
      case 'refused':
        return via === 'card'
          ? current(`You can't record ${def.code}. It can be recorded by ${r.whoCan.join(' or ')}. Nothing was saved.`)
          : messageCard(`${def.code}: not recorded`, [`You can't record ${def.code}. It can be recorded by ${r.whoCan.join(' or ')}.`, 'Nothing was changed.']);
      case 'invalid':
        return via === 'card' ? form('Please fix the fields below. Nothing has been saved yet.', r.errors) : messageCard(`${def.code}: not recorded`, [...Object.values(r.errors).map(plainText), 'Nothing was changed.']);
      case 'notFound':
        return messageCard(`No KPI ${asked.code}`, ['Nothing was changed.']);
      case 'notInDirectory':
        return messageCard(`${def.code}: not recorded`, [NOT_IN_DIRECTORY]);
    }
  }

  const card = (c: AdaptiveCardJson): InvokeReply => ({ kind: 'card', card: c });

  registerVerbs(app, {
    showKpi: async (context, data) => {
      const d = codeData.safeParse(data);
      if (!d.success) return badData(d.error);
      const k = await kpiByCode(s, d.data.code);
      if (!k) return { kind: 'error', status: 404, message: `There is no KPI ${d.data.code} any more.` };
      await sendCard(context, kpiCard(k));
      return { kind: 'message', text: `Opened ${k.def.code}.` };
    },
    openKpiRecord: async (context, data) => {
      const d = codeData.safeParse(data);
      if (!d.success) return badData(d.error);
      const k = await kpiByCode(s, d.data.code);
      if (!k) return { kind: 'error', status: 404, message: `There is no KPI ${d.data.code} any more.` };
      const caller = callerOf(context);
      const { authority, permission } = await recordPermission(s, caller, k.def);
      if (notInDirectory(authority)) return card(kpiCard(k, { notice: NOT_IN_DIRECTORY }));
      if (!permission.allowed) return card(kpiCard(k, { notice: `You can't record ${k.def.code}. It can be recorded by ${permission.whoCan.join(' or ')}.` }));
      const periods = duePeriods(k.def, k.series, s.clock.today(), deps.kpiWorkingDays);
      if (!periods.length) return card(kpiCard(k, { notice: `${k.def.code} is reported ${k.def.frequency}; its values are imported from a file, not recorded in chat.` }));
      return card(kpiRecordCard({ def: k.def, periods }));
    },
    cancelKpiRecord: async (context, data) => {
      const d = codeData.safeParse(data);
      if (!d.success) return badData(d.error);
      const k = await kpiByCode(s, d.data.code);
      return k ? card(kpiCard(k)) : { kind: 'error', status: 404, message: `There is no KPI ${d.data.code} any more.` };
    },
    submitKpiValue: async (context, data) => {
      const d = submitData.safeParse(data);
      if (!d.success) return badData(d.error);
      const f = d.data;
      const def = await s.kpis.getDefinition(f.code);
      if (!def) return { kind: 'error', status: 404, message: `There is no KPI ${f.code} any more.` };
      const offered = new Map(f.versions.split(',').map((pv) => [pv.slice(0, pv.lastIndexOf(':')), Number(pv.slice(pv.lastIndexOf(':') + 1))]));
      const period = f.period ?? '';
      const values = { period, value: f.value ?? '', note: f.note ?? '', source: f.source ?? '', reason: f.reason ?? '' };
      const caller = callerOf(context);
      const asked = { code: def.code, period, valueText: (f.value ?? '').trim(), values };
      const errors: Partial<Record<RecordField, string>> = {};
      if (!offered.has(period)) errors.period = period ? `${period} is not one of the periods this card offered; choose one of them.` : 'Choose the period this value is for.';
      const valueText = (f.value ?? '').trim();
      const value = parseNumber(valueText);
      if (valueText === '') errors.value = 'Enter the value: it is required.';
      else if (value === undefined) errors.value = `"${valueText}" is not a number.`;
      else {
        const unitProblem = checkWrittenUnit(def, /%\s*$/.test(valueText) ? 'percent' : 'none', valueText);
        if (unitProblem) errors.value = unitProblem;
      }
      if (Object.keys(errors).length) {
        // Permission before detail, as for typed values.
        const { permission } = await recordPermission(s, caller, def);
        if (!permission.allowed) return card(await replyCard({ kind: 'refused', def, whoCan: permission.whoCan }, def, 'card', asked));
        return card(await replyCard({ kind: 'invalid', def, errors }, def, 'card', asked));
      }
      // The same card version, person and values is one request (a retried delivery, a double click);
      // different values from the same version are a new request, which then meets the version check.
      const fingerprint = createHash('sha256').update(JSON.stringify([period, value, values.note, values.source, values.reason])).digest('base64url').slice(0, 16);
      const requestId = `kpicard:${def.code}:${period}:${offered.get(period)}:${caller.aadObjectId ?? caller.email}:${fingerprint}`;
      const r = await recordKpiValue(s, caller, { code: def.code, period, value: value!, valueText, note: values.note, source: values.source, reason: values.reason }, { requestId, expectedVersion: offered.get(period) });
      return card(await replyCard(r, def, 'card', asked));
    },
  });
}

/**
 * What follows a saved value (services/kpiAfterSave.ts decides who hears what), queued on the
 * proactive path. Failures are logged and never undo the saved value.
 */
export async function afterSaved(deps: Pick<BotDeps, 'services' | 'notifier' | 'logger'>, r: Extract<RecordResult, { kind: 'saved' }>): Promise<void> {
  try {
    for (const n of await afterKpiSaved(deps.services, r)) await deps.notifier.send('channel', n.channelId, messageCard(n.title, n.lines), n.line);
  } catch (err) {
    deps.logger.error({ err, kpi: r.def.code }, 'KPI RAG change notification failed');
  }
}
