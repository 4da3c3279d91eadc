import type { BoardPack, PackRow } from '../domain/boardPack';
import { RAGS } from '../domain/status';
import { KPI_GROUPS } from '../domain/boardPack';
import type { Rag } from '../domain/model';
import { formatBritishDate } from '../domain/dueDate';
import { formatPeriod } from '../domain/kpi';
import { renderCard, type AdaptiveCardJson } from '../cards/render';

/** RAG as word plus symbol, so it reads without colour. */
const RAG_TEXT: Record<Rag, string> = { red: '🔴 Red', amber: '🟠 Amber', green: '🟢 Green', blue: '🔵 Complete', none: '⚪ No rating' };
const LIMIT = 6;

/** Plan text is shown as typed: Adaptive Card markdown characters are escaped so they stay text. */
export function plain(s: string): string {
  return s.replace(/[\\*_[\]()~`>#|]/g, (c) => `\\${c}`).replace(/^(\s*)([-+]|\d+\.)(\s)/, (_m, a: string, b: string, c: string) => `${a}\\${b}${c}`);
}

const cut = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

function section(heading: string, empty: string, lines: string[]) {
  return { heading, empty, count: lines.length, lines: lines.slice(0, LIMIT), more: Math.max(0, lines.length - LIMIT) };
}

const exceptionLine = (r: PackRow) =>
  `**${plain(r.label)}** ${plain(cut(r.title, 80))}: ${RAG_TEXT[r.rag]}, ${plain(r.ownerRole ?? 'no owner')}, due ${plain(r.due)}${r.originalDue ? ` (was ${plain(r.originalDue)})` : ''}`;

export interface PackDelivery {
  /** Signed link to the HTML pack, when links are configured. */
  link?: { url: string; expiresAt: Date };
  /** What happens about files in this conversation. */
  files: 'consent' | 'link-only' | 'none';
}

export function boardPackCard(pack: BoardPack, d: PackDelivery): AdaptiveCardJson {
  const t = pack.totals;
  const m = pack.movement;
  const rags = RAGS.filter((r) => t.rag[r] > 0);
  const until = d.link ? formatBritishDate(d.link.expiresAt.toISOString().slice(0, 10)) : '';
  const filesNote =
    d.files === 'consent'
      ? `The workbook (XLSX) follows: accept the file to save it to your OneDrive.${d.link ? ` The printable pack link works until ${until}; you may forward it to board members outside the team.` : ''}`
      : d.link
        ? `The printable pack opens from the button below; the link works until ${until}. Ask for “board pack” in a personal chat with me for the workbook.`
        : 'Links to the printable pack are not set up here (an administrator sets BOARD_PACK_LINK_SECRET). Ask for “board pack” in a personal chat with me for the workbook.';
  return renderCard('boardPack', {
    title: `Board pack: ${plain(pack.planName)}`,
    subtitle: `As at ${formatBritishDate(pack.asAt)}${pack.meeting ? ` · for ${plain(pack.meeting.title ?? 'the board meeting')} on ${formatBritishDate(pack.meeting.date)}` : ''}`,
    facts: [
      { title: 'Actions', value: String(t.actions) },
      { title: 'Red or amber', value: String(t.exceptions) },
      { title: 'Overdue', value: String(t.overdue) },
      { title: `No update for ${pack.staleDays}+ days`, value: String(t.stale) },
      { title: 'Unowned', value: String(t.unowned) },
      { title: 'Awaiting sign-off', value: String(t.awaitingSignOff) },
      { title: 'Signed off since last pack', value: String(pack.completedSinceLast.length) },
    ],
    ragLine: rags.map((r) => `${RAG_TEXT[r]} ${t.rag[r]}`).join(' · ') || 'no actions',
    movement: m
      ? `Since the pack as at ${formatBritishDate(pack.previousAsAt!)}: ${m.improved.length} improved, ${m.worsened.length} worsened, ${m.completed.length} completed, ${m.added.length} new, ${m.revisedDates.length} with revised dates.`
      : 'First pack of this plan: nothing to compare with yet.',
    sections: [
      section('Exceptions', 'No red or amber actions.', pack.exceptions.map(exceptionLine)),
      ...KPI_GROUPS.map((g) =>
        section(
          `KPIs: ${g}`,
          `No KPIs ${g}.`,
          pack.kpis
            .filter((k) => k.group === g)
            .map((k) => `**${plain(k.code.toUpperCase())}** ${plain(cut(k.name, 60))}: ${k.latest ?? 'no value yet'}${k.period ? ` (${formatPeriod(k.period)})` : ''}, target ${k.target}${k.rag ? `, ${RAG_TEXT[k.rag]}` : ''}, ${k.direction}`),
        ),
      ),
    ],
    filesNote,
    linkUrl: d.link?.url ?? '',
  });
}
