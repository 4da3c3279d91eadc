import type { ItemState } from '../../domain/planItem';
import { itemLabel } from '../../domain/planItem';
import { localTime } from '../../domain/workingTime';
import { signOffWait } from '../../domain/signOff';
import type { FullItemWithPlan } from '../../services/planQueries';
import type { SignOffStanding } from '../../services/signoffs';
import { renderCard, type AdaptiveCardJson } from '../../cards/render';
import { plainText } from './userText';
import { britishDate, britishDateTime, truncate } from './format';
import { cardIdentity } from './updateView';

/** "31 Oct 2026": an instant's date in the council's zone. */
export const localDate = (instant: string, timeZone: string) => britishDate(localTime(new Date(instant), timeZone).date);

/** "Jordan Hale (DCS)", or the role alone, or the name alone: never empty parentheses. */
export function personAndRole(name: string | undefined, role: string | undefined): string {
  if (name && role) return `${name} (${role})`;
  return name || role || '';
}

/** A decided item's decision: "Signed off by X on D" / "Returned by X on D"; undefined while undecided. */
export function decisionLine(i: ItemState, timeZone: string): string | undefined {
  const d = i.status !== 'awaiting_signoff' ? i.signOff?.decision : undefined;
  if (!d) return undefined;
  return `${d.kind === 'approved' ? 'Signed off' : 'Returned'} by ${plainText(d.byName)} on ${localDate(d.at, timeZone)}`;
}

/** The manager's note, labelled as theirs: "Returned by Jordan Hale: <note>". */
export function decisionNote(d: { kind: 'approved' | 'returned'; byName: string; note?: string } | undefined): string | undefined {
  if (!d?.note) return undefined;
  return `${d.kind === 'approved' ? 'Signed off' : 'Returned'} by ${plainText(d.byName)}: ${plainText(truncate(d.note, 500))}`;
}

/** What every card says about an item's sign-off: who it waits for and since when, or how it was decided. */
export function signOffLines(i: ItemState, standing: Pick<SignOffStanding, 'manager' | 'managerRole'> | undefined, timeZone: string, today: string): string[] {
  if (i.status === 'awaiting_signoff') {
    const wait = signOffWait(i, today, timeZone);
    const who = personAndRole(standing?.manager?.name, standing?.managerRole) || 'the owner’s manager';
    return [`Awaiting sign-off by ${plainText(who)}${wait ? ` since ${britishDate(wait.sinceDate)}` : ''}.`];
  }
  const line = decisionLine(i, timeZone);
  if (!line) return [];
  const note = decisionNote(i.signOff?.decision);
  return note ? [`${line}.`, note] : [`${line}.`];
}

export interface SignOffCardOptions {
  timeZone: string;
  ownerName?: string;
  /** What the press did ("Approved by …"), or why nothing was done ("Already decided …"). */
  outcome?: string;
  /** Said above an open card (it changed since it was sent: here it is as it is now). */
  notice?: string;
  /** An escalation to the manager's manager: who has not signed off, and since when. */
  escalation?: { managerName: string; managerRole?: string; sinceDate: string; workingDays: number };
}

/**
 * The sign-off card. Open (note, Approve, Return) while the item awaits sign-off and nothing was
 * just decided on it; otherwise it reads as decided: "Signed off: 2.4", who and when.
 */
export function signOffCard(i: ItemState, o: SignOffCardOptions): AdaptiveCardJson {
  const label = itemLabel(i);
  const decided = i.status !== 'awaiting_signoff' ? i.signOff?.decision : undefined;
  const open = i.status === 'awaiting_signoff' && !o.outcome;
  const heading = decided
    ? `${decided.kind === 'approved' ? 'Signed off' : 'Returned'}: ${label}`
    : i.status !== 'awaiting_signoff'
      ? `Not awaiting sign-off: ${label}`
      : o.escalation
        ? `Sign-off overdue: ${label}`
        : `Sign-off needed: ${label}`;
  const requested = i.signOff?.requestedAt ?? (i.status === 'awaiting_signoff' ? i.updatedAt : undefined);
  const e = o.escalation;
  const facts = [
    // "HoS (RB) (Rosa Bennett)" as the lead is shown elsewhere; the role alone when nobody holds it.
    { title: 'Owner', value: plainText(i.ownerRole ? (o.ownerName ? `${i.ownerRole} (${o.ownerName})` : i.ownerRole) : (o.ownerName ?? 'No lead named')) },
    requested ? { title: 'Marked complete', value: britishDateTime(requested, o.timeZone) } : undefined,
    { title: 'Evidence', value: plainText(i.evidenceUrl ?? 'none given') },
    { title: 'Commentary', value: plainText(truncate(i.commentary ?? '—', 500)) },
    decided ? { title: 'Sign-off', value: decisionLine(i, o.timeZone)! } : undefined,
    decisionNote(decided) ? { title: decided!.kind === 'approved' ? 'Manager’s note' : 'Why returned', value: decisionNote(decided)! } : undefined,
  ].filter((f): f is { title: string; value: string } => f !== undefined);
  return renderCard('signoff', {
    ...cardIdentity(i),
    heading,
    intro:
      e && !decided && i.status === 'awaiting_signoff'
        ? `${plainText(personAndRole(e.managerName, e.managerRole))} has not signed off ${label} since ${britishDate(e.sinceDate)} (${e.workingDays} working days). It is escalated to you as the next manager up: you can approve it or return it to the owner.`
        : '',
    facts,
    outcome: o.outcome ?? o.notice ?? '',
    open,
  });
}

export interface SignOffListRow {
  item: FullItemWithPlan;
  standing: SignOffStanding;
  escalated: boolean;
}

export const SIGNOFF_LIST_SIZE = 15;

/** "my sign-offs" / "sign-offs": each waiting item with Approve and Return when the asker may decide. */
export function signOffListCard(o: { title: string; subtitle: string; emptyText: string; rows: SignOffListRow[]; today: string; timeZone: string; notice?: string }): AdaptiveCardJson {
  const shown = o.rows.slice(0, SIGNOFF_LIST_SIZE);
  return renderCard('signoffList', {
    title: o.title,
    subtitle: o.notice ? `${o.notice} ${o.subtitle}` : o.subtitle,
    emptyText: o.emptyText,
    rows: shown.map(({ item, standing, escalated }) => {
      const wait = signOffWait(item, o.today, o.timeZone);
      const detail = [
        `Owner ${personAndRole(standing.owner?.name, item.ownerRole) || 'not named'}`,
        wait ? `marked complete ${britishDate(wait.sinceDate)}, waiting ${wait.workingDays} working day${wait.workingDays === 1 ? '' : 's'}` : undefined,
        escalated ? `escalated: ${personAndRole(standing.manager?.name, standing.managerRole)} has not signed off` : undefined,
        item.planName,
      ]
        .filter(Boolean)
        .join(' · ');
      return {
        planId: item.planId,
        ref: item.ref,
        seq: item.seq === undefined ? '' : String(item.seq),
        version: String(item.version),
        label: itemLabel(item),
        title: plainText(truncate(item.title, 160)),
        detail: plainText(detail),
        canDecide: standing.mayDecide,
      };
    }),
    moreText: o.rows.length > shown.length ? `${o.rows.length - shown.length} more not shown: approve or return these first.` : '',
  });
}
