import type { Due, ParsedPlan } from './model';
import { endOfMonthOf } from './clock';

/**
 * Move a date by whole months, keeping month-ends at month-ends (30 Nov → 31 Dec, not 30 Dec),
 * because month-only due dates mean "the end of that month".
 */
export function shiftIsoByMonths(iso: string, months: number): string {
  const [y, m, d] = iso.split('-').map(Number);
  const wasMonthEnd = endOfMonthOf(iso) === iso;
  const total = y * 12 + (m - 1) + months;
  const ny = Math.floor(total / 12);
  const nm = (total % 12) + 1;
  const first = `${ny}-${String(nm).padStart(2, '0')}-01`;
  const end = endOfMonthOf(first);
  const day = wasMonthEnd ? Number(end.slice(8)) : Math.min(d, Number(end.slice(8)));
  return `${first.slice(0, 8)}${String(day).padStart(2, '0')}`;
}

function shiftDue(due: Due, months: number): Due {
  return due.kind === 'date' ? { ...due, date: shiftIsoByMonths(due.date, months) } : due;
}

/**
 * Months to add so the plan's middle fixed due date lands `monthsAhead` after today: about half the
 * dated work is then past due and half still to come, which is what a live plan looks like.
 */
export function monthsToShift(plan: ParsedPlan, today: string, monthsAhead: number): number {
  const dates = plan.actions.flatMap((a) => [a.due, ...a.milestones.map((m) => m.due)]).flatMap((d) => (d.kind === 'date' ? [d.date] : []));
  if (!dates.length) return 0;
  const middle = dates.sort()[Math.floor(dates.length / 2)];
  const [my, mm] = middle.split('-').map(Number);
  const [ty, tm] = today.split('-').map(Number);
  return ty * 12 + tm + monthsAhead - (my * 12 + mm);
}

/** A copy of the plan with every fixed date moved by whole months; recurring and undated items stay. */
export function shiftPlan(plan: ParsedPlan, months: number): ParsedPlan {
  return {
    ...plan,
    actions: plan.actions.map((a) => ({
      ...a,
      due: shiftDue(a.due, months),
      start: a.start ? shiftDue(a.start, months) : undefined,
      milestones: a.milestones.map((m) => ({ ...m, due: shiftDue(m.due, months) })),
    })),
  };
}

/** "2022-09" moved by months; quarterly and weekly periods are moved the same way. */
export function shiftPeriod(period: string, months: number): string {
  let m: RegExpMatchArray | null;
  if ((m = period.match(/^(\d{4})-(\d{2})$/))) return shiftIsoByMonths(`${m[1]}-${m[2]}-01`, months).slice(0, 7);
  if ((m = period.match(/^(\d{4})-(\d{2})-(\d{2})$/))) return shiftIsoByMonths(period, months);
  if ((m = period.match(/^(\d{4})-Q([1-4])$/))) {
    const shifted = shiftIsoByMonths(`${m[1]}-${String((Number(m[2]) - 1) * 3 + 1).padStart(2, '0')}-01`, months);
    return `${shifted.slice(0, 4)}-Q${Math.floor((Number(shifted.slice(5, 7)) - 1) / 3) + 1}`;
  }
  return period;
}

/**
 * A copy of the plan with the given actions (or, with `seq`, milestones) due on fixed dates. An
 * action with milestones keeps falling due with its latest milestone, so a pinned milestone also
 * moves its action's date when it becomes the latest.
 */
export function pinDue(plan: ParsedPlan, pins: readonly { ref: string; seq?: number; date: string }[]): ParsedPlan {
  if (!pins.length) return plan;
  return {
    ...plan,
    actions: plan.actions.map((a) => {
      const mine = pins.filter((p) => p.ref === a.ref);
      if (!mine.length) return a;
      const milestones = a.milestones.map((m) => {
        const pin = mine.find((p) => p.seq === m.seq);
        return pin ? { ...m, due: { kind: 'date' as const, date: pin.date } } : m;
      });
      const own = mine.find((p) => p.seq === undefined);
      let due: Due = own ? { kind: 'date', date: own.date } : a.due;
      if (!own && milestones.length) {
        const dated = milestones.flatMap((m) => (m.due.kind === 'date' ? [m.due.date] : []));
        if (dated.length) due = { kind: 'date', date: dated.sort().at(-1)! };
      }
      return { ...a, due, milestones };
    }),
  };
}
