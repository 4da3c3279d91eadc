import { packDay } from '../domain/boardPack';
import type { PlanInfo } from '../domain/model';
import { choosePlan, readDay, type BoardPackDeps, type PlanChoice } from './boardPack';
import { permissionsFor } from './permissions';
import { scopeOf } from './planScope';
import type { Caller } from './context';

/** What setting the next board meeting came to; the Teams surface only puts it in words. */
export type BoardMeetingResult =
  /** Set: the pack will be made as at `packDay`, `daysBefore` working days before `date`. */
  | { kind: 'set'; plan: PlanInfo; date: string; packDay: string; daysBefore: number }
  /** Only a plan administrator may set it. */
  | { kind: 'refused' }
  /** No date was given. */
  | { kind: 'noDate' }
  | { kind: 'badDate'; reason: string }
  /** The date is today or earlier. */
  | { kind: 'past'; date: string }
  /** No single plan to set it for; `dateText` is the date as typed, for the reply. */
  | { kind: 'choosePlan'; choice: Exclude<PlanChoice, { kind: 'ok' }>; dateText: string };

export interface BoardMeetingRequest {
  caller: Caller;
  /** The team channel it was asked in: a linked channel's plan is the one meant. */
  channelId?: string;
  /** What followed "board meeting": "14 Jan 2027", "on 14 Jan 2027 for Southend 2021". */
  text: string;
  /** BOARD_PACK_DAYS_BEFORE: working days before the meeting that its pack is made. */
  daysBefore: number;
}

/**
 * "board meeting <date>" (admins): the plan is the one named, else the channel's, else the only
 * plan; the date must be one day after today. The meeting is stored with who set it and when.
 */
export async function setBoardMeeting(d: Pick<BoardPackDeps, 'services' | 'snapshots'>, req: BoardMeetingRequest): Promise<BoardMeetingResult> {
  const s = d.services;
  const { caller } = req;
  if (!caller.aadObjectId || !permissionsFor(s, caller).mayAdminister()) return { kind: 'refused' };
  const { scope, text } = await scopeOf(s, { channelId: req.channelId }, req.text);
  const dateText = text.replace(/^(?:on|is|for)\s+/i, '').trim();
  if (!dateText) return { kind: 'noDate' };
  const today = s.clock.today();
  const day = readDay(dateText, today);
  if (!day.ok) return { kind: 'badDate', reason: day.reason };
  if (day.date <= today) return { kind: 'past', date: day.date };
  const choice = await choosePlan(s, undefined, scope.planId);
  if (choice.kind !== 'ok') return { kind: 'choosePlan', choice, dateText };
  await d.snapshots.setMeeting(choice.plan.id, { date: day.date, title: 'Board meeting' }, caller.aadObjectId, s.clock.now().toISOString());
  return { kind: 'set', plan: choice.plan, date: day.date, packDay: packDay(day.date, req.daysBefore), daysBefore: req.daysBefore };
}
