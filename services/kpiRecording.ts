import { roleKey } from '../domain/roles';
import type { KpiDefinition, Person } from '../domain/model';
import { notInDirectory } from '../domain/permissions';
import { permissionsFor } from './permissions';
import { checkValue, periodKind, recentEndedPeriods, periodDueDate, formatValue, type PeriodKind } from '../domain/kpi';
import { resolvePeriod } from '../domain/kpiValueText';
import type { KpiCorrection, KpiPoint } from '../domain/model';
import { statusOf, type KpiStatus } from './kpiQueries';
import type { Caller, Services } from './context';

/** Five working days after a period ends, as councils' performance teams usually ask. */
export const DEFAULT_KPI_DUE_WORKING_DAYS = 5;

export const MAX_NOTE = 500;

export interface RecordRequest {
  code: string;
  /** The stored period (2026-11, 2026-Q4, the Monday 2026-11-30, 2026-T1, 2026, FY2026-27, AY2026-27). */
  period: string;
  value: number;
  /** As the person wrote it, to name it back in messages. */
  valueText?: string;
  note?: string;
  source?: string;
  /** Why an existing value is being replaced; required for a correction. */
  reason?: string;
}

export interface RecordOptions {
  /** The same id twice is the same request retried: it is applied once. */
  requestId: string;
  /** The version of the period the card showed (0: it had no value); a newer stored one is a conflict. */
  expectedVersion?: number;
}

export type RecordField = 'value' | 'period' | 'note' | 'source' | 'reason';

export type RecordResult =
  | { kind: 'saved'; def: KpiDefinition; point: KpiPoint; before?: KpiPoint; correction?: KpiCorrection; statusBefore: KpiStatus; statusAfter: KpiStatus; as: 'owner' | 'admin' }
  | { kind: 'duplicate'; def: KpiDefinition; point: KpiPoint }
  | { kind: 'unchanged'; def: KpiDefinition; point: KpiPoint }
  | { kind: 'conflict'; def: KpiDefinition; latest?: KpiPoint }
  | { kind: 'needsReason'; def: KpiDefinition; existing: KpiPoint }
  | { kind: 'refused'; def: KpiDefinition; whoCan: string[] }
  | { kind: 'invalid'; def: KpiDefinition; errors: Partial<Record<RecordField, string>> }
  | { kind: 'notFound' }
  | { kind: 'notInDirectory'; def: KpiDefinition };

export function isAdmin(s: Services, caller: Caller): boolean {
  return permissionsFor(s, caller).isAdmin;
}

/** May this caller record this KPI? The same rule every write applies again (services/permissions.ts). */
export async function recordPermission(s: Services, caller: Caller, def: KpiDefinition) {
  return permissionsFor(s, caller).mayRecordKpi(def);
}

/**
 * Record one period's value. The caller's identity is the activity's; the request names only the KPI,
 * period and value. A value for a period that has one is a correction: it needs a reason, and the old
 * value is kept in the KPI's history in the same transaction. Writes are conditional on what was read.
 */
export async function recordKpiValue(s: Services, caller: Caller, req: RecordRequest, opts: RecordOptions): Promise<RecordResult> {
  const def = await s.kpis.getDefinition(req.code);
  if (!def) return { kind: 'notFound' };
  const { authority, permission } = await recordPermission(s, caller, def);
  if (notInDirectory(authority)) return { kind: 'notInDirectory', def };
  if (!permission.allowed) return { kind: 'refused', def, whoCan: permission.whoCan };

  const errors: Partial<Record<RecordField, string>> = {};
  const today = s.clock.today();
  const resolved = resolvePeriod(def, { kind: 'stored', period: req.period, text: req.period }, today);
  if (!resolved.ok) errors.period = resolved.message;
  const valueCheck = checkValue(def, req.value, req.valueText ?? String(req.value));
  if (!valueCheck.ok) errors.value = valueCheck.message;
  if ((req.note ?? '').length > MAX_NOTE) errors.note = `The note is ${req.note!.length} characters; at most ${MAX_NOTE}.`;
  if ((req.source ?? '').length > MAX_NOTE) errors.source = `The source is ${req.source!.length} characters; at most ${MAX_NOTE}.`;
  if ((req.reason ?? '').length > MAX_NOTE) errors.reason = `The reason is ${req.reason!.length} characters; at most ${MAX_NOTE}.`;
  if (Object.keys(errors).length) return { kind: 'invalid', def, errors };

  const [loaded, series] = await Promise.all([s.kpis.getPoint(def.code, req.period), s.kpis.getSeries(def.code)]);
  const existing = loaded.point;
  if (existing?.lastRequestId === opts.requestId) return { kind: 'duplicate', def, point: existing };
  if (opts.expectedVersion !== undefined && opts.expectedVersion !== (existing ? existing.version ?? 1 : 0)) return { kind: 'conflict', def, latest: existing };
  if (existing && existing.value === req.value) return { kind: 'unchanged', def, point: existing };
  const reason = req.reason?.trim();
  if (existing && !reason) return { kind: 'needsReason', def, existing };

  const now = s.clock.now().toISOString();
  const actorId = caller.aadObjectId ?? caller.email ?? 'unknown';
  const point: KpiPoint = {
    code: def.code,
    period: req.period,
    value: req.value,
    enteredAt: now,
    enteredBy: actorId,
    enteredByName: caller.name,
    version: existing ? (existing.version ?? 1) + 1 : 1,
    lastRequestId: opts.requestId,
  };
  if (req.note?.trim()) point.note = req.note.trim();
  if (req.source?.trim()) point.source = req.source.trim();
  const correction: KpiCorrection | undefined = existing
    ? { code: def.code, period: req.period, oldValue: existing.value, newValue: req.value, oldEnteredAt: existing.enteredAt, oldEnteredBy: existing.enteredByName ?? existing.enteredBy, reason: reason!, at: now, by: actorId, byName: caller.name }
    : undefined;
  const saved = await s.kpis.savePoint(loaded, point, correction);
  if (!saved.ok) {
    const latest = (await s.kpis.getPoint(def.code, req.period)).point;
    // Our own retry may have landed between the read and the write.
    if (latest?.lastRequestId === opts.requestId) return { kind: 'duplicate', def, point: latest };
    return { kind: 'conflict', def, latest };
  }
  await s.kpis.refreshLatest(def.code);
  const after = [...series.filter((p) => p.period !== req.period), point];
  return { kind: 'saved', def, point, before: existing, correction, statusBefore: statusOf(def, series), statusAfter: statusOf(def, after), as: permission.as === 'admin' ? 'admin' : 'owner' };
}

/** How many recent ended periods are offered for recording: about the last quarter's worth, at least two. */
export const DUE_PERIOD_COUNT: Record<PeriodKind, number> = { weekly: 4, monthly: 3, quarterly: 2, termly: 2, annual: 2, financialYear: 2, academicYear: 2 };

export interface DuePeriod {
  period: string;
  /** 0 when the period has no value yet. */
  version: number;
  value?: number;
  dueDate: string;
}

/** The periods a value can be recorded for now, newest first, with what each holds. */
export function duePeriods(def: KpiDefinition, series: KpiPoint[], today: string, workingDays = DEFAULT_KPI_DUE_WORKING_DAYS): DuePeriod[] {
  const kind = periodKind(def.frequency);
  if (!kind) return [];
  const byPeriod = new Map(series.map((p) => [p.period, p]));
  return recentEndedPeriods(kind, today, DUE_PERIOD_COUNT[kind]).map((period) => {
    const p = byPeriod.get(period);
    return { period, version: p ? p.version ?? 1 : 0, value: p?.value, dueDate: periodDueDate(period, workingDays) };
  });
}

export type OwnerResult =
  | { kind: 'set'; def: KpiDefinition; role: string; holder: Person; previous?: string }
  | { kind: 'notAdmin' }
  | { kind: 'notFound' }
  | { kind: 'unknownRole'; role: string; close: string[] }
  | { kind: 'conflict' };

/** An admin names the role that records a KPI; the role must be one the directory knows. */
export async function setKpiOwner(s: Services, caller: Caller, code: string, roleText: string): Promise<OwnerResult> {
  if (!isAdmin(s, caller)) return { kind: 'notAdmin' };
  const def = await s.kpis.getDefinition(code);
  if (!def) return { kind: 'notFound' };
  const holder = await s.directory.findByRole(roleText);
  if (!holder) {
    const words = roleText.toLowerCase().split(/[^a-z0-9]+/).filter((w) => w.length > 1);
    const close = (await s.directory.listAll()).map((p) => p.role).filter((r) => words.some((w) => r.toLowerCase().includes(w))).slice(0, 5);
    return { kind: 'unknownRole', role: roleText, close };
  }
  const r = await s.kpis.setOwner(code, holder.role);
  if (r === 'notFound') return { kind: 'notFound' };
  if (r === 'conflict') return { kind: 'conflict' };
  return { kind: 'set', def: { ...def, ownerRole: holder.role }, role: holder.role, holder, previous: def.ownerRole };
}

export interface OwedKpi {
  def: KpiDefinition;
  period: string;
  dueDate: string;
}

/**
 * What the caller owes: for each KPI whose owner role they hold, the recent ended periods after its
 * latest value. Uses the latest value kept on each definition: one read whatever the number of KPIs.
 */
export async function kpisOwed(s: Services, caller: Caller, workingDays = DEFAULT_KPI_DUE_WORKING_DAYS): Promise<{ roles: string[]; owed: OwedKpi[]; owned: number }> {
  const roles = await s.directory.rolesOf(caller);
  const held = new Set(roles.map((r) => roleKey(r.role)));
  const today = s.clock.today();
  const all = await s.kpis.listDefinitionsWithLatest();
  const mine = all.filter(({ def }) => def.ownerRole && held.has(roleKey(def.ownerRole)));
  const owed: OwedKpi[] = [];
  for (const { def, latest } of mine) {
    for (const d of duePeriods(def, latest ? [latest] : [], today, workingDays)) {
      if (d.version === 0 && (!latest || d.period > latest.period)) owed.push({ def, period: d.period, dueDate: d.dueDate });
    }
  }
  owed.sort((a, b) => a.dueDate.localeCompare(b.dueDate) || a.def.code.localeCompare(b.def.code, 'en', { numeric: true }));
  return { roles: roles.map((r) => r.role), owed, owned: mine.length };
}

export { formatValue };
