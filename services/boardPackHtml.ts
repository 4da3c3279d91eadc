import type { BoardPack, KpiRow, Movement, PackRow } from '../domain/boardPack';
import { KPI_GROUPS } from '../domain/boardPack';
import type { Rag } from '../domain/model';
import { formatBritishDate } from '../domain/dueDate';
import { formatPeriod } from '../domain/kpi';
import { ragLabel, statusLabel, RAGS } from '../domain/status';

/**
 * The pack as one self-contained HTML page (no scripts, no external files), for reading on screen,
 * behind a signed link, or printed on A4. Semantic headings and tables with captions and header
 * cells, so a screen reader can move by section and read a cell with its column. RAG is always a
 * word; the tint behind it is extra, and every text/background pair is at least 4.5:1.
 */

const esc = (s: string | number | undefined) =>
  String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const RAG_CLASS: Record<Rag, string> = { red: 'rag-red', amber: 'rag-amber', green: 'rag-green', blue: 'rag-blue', none: 'rag-none' };

const rag = (r: Rag | undefined) => (r ? `<span class="rag ${RAG_CLASS[r]}">${esc(ragLabel(r))}</span>` : '<span class="rag rag-none">No value yet</span>');
const date = (iso?: string) => (iso ? esc(formatBritishDate(iso)) : '');
const owner = (r: PackRow) => (r.ownerRole ? `${esc(r.ownerRole)}${r.ownerName ? `<br><span class="muted">${esc(r.ownerName)}</span>` : '<br><span class="muted">nobody in the directory</span>'}` : 'None named');
const safeLink = (url?: string) => (url && /^https:\/\//i.test(url) ? `<a href="${esc(url)}">${esc(url)}</a>` : esc(url));

function table(caption: string, head: string[], rows: string[][], empty: string): string {
  if (!rows.length) return `<p class="empty">${esc(empty)}</p>`;
  return `<table><caption>${esc(caption)}</caption><thead><tr>${head.map((h) => `<th scope="col">${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map((c, i) => (i === 0 ? `<th scope="row">${c}</th>` : `<td>${c}</td>`)).join('')}</tr>`)
    .join('')}</tbody></table>`;
}

function itemTable(caption: string, rows: PackRow[], empty: string, extra: 'exception' | 'overdue' | 'stale' | 'basic' | 'evidence'): string {
  const head = ['Ref', 'Title', 'Owner', 'RAG', 'Due'];
  if (extra === 'exception') head.push('Revised from', 'Latest commentary');
  if (extra === 'overdue') head.push('Days overdue', 'Status');
  if (extra === 'stale') head.push('Last update', 'Days since');
  if (extra === 'evidence') head.push('Evidence');
  return table(
    caption,
    head,
    rows.map((r) => {
      const cells = [esc(r.label), esc(r.title), owner(r), rag(r.rag), esc(r.due)];
      if (extra === 'exception')
        cells.push(
          r.originalDue ? `${esc(r.originalDue)}${r.revisionReason ? `<br><span class="muted">Reason: ${esc(r.revisionReason)}</span>` : ''}` : '',
          r.commentary ? `${esc(r.commentary)}${r.updatedOn ? `<br><span class="muted">${date(r.updatedOn)}</span>` : ''}` : '<span class="muted">No commentary</span>',
        );
      if (extra === 'overdue') cells.push(esc(r.daysOverdue), esc(statusLabel(r.status)));
      if (extra === 'stale') cells.push(date(r.updatedOn), esc(r.daysSinceUpdate));
      if (extra === 'evidence') cells.push(r.evidenceUrl ? safeLink(r.evidenceUrl) : '<span class="muted">No evidence link</span>');
      return cells;
    }),
    empty,
  );
}

function movementTable(caption: string, moves: Movement[], empty: string): string {
  return table(caption, ['Ref', 'Title', 'Was', 'Now'], moves.map((m) => [esc(m.row.label), esc(m.row.title), esc(m.from), esc(m.to)]), empty);
}

function kpiTable(group: string, rows: KpiRow[]): string {
  return table(
    `KPIs: ${group}`,
    ['Code', 'KPI', 'Latest', 'Period', 'Target', 'RAG', 'Direction', 'Statistical neighbours', 'England'],
    rows.map((k) => [
      esc(k.code.toUpperCase()),
      esc(k.name),
      k.latest === undefined ? 'No value yet' : `${esc(k.latest)}${k.unit && k.unit !== 'number' ? ` ${esc(k.unit)}` : ''}`,
      esc(k.period ? formatPeriod(k.period) : ''),
      `${esc(k.target)} (${k.polarity === 'higher' ? 'higher is better' : 'lower is better'})`,
      rag(k.rag),
      esc(k.direction),
      esc(k.statNeighbours ?? 'Not known'),
      esc(k.england ?? 'Not known'),
    ]),
    `No KPIs ${group}.`,
  );
}

const CSS = `
:root { color: #1a1a1a; background: #ffffff; font-family: "Segoe UI", Arial, sans-serif; font-size: 11pt; line-height: 1.4; }
body { margin: 0 auto; max-width: 60rem; padding: 1.5rem; }
h1 { font-size: 1.6rem; margin: 0 0 .25rem; } h2 { font-size: 1.25rem; margin: 1.75rem 0 .5rem; border-bottom: 2px solid #0b6a78; }
h3 { font-size: 1.05rem; margin: 1rem 0 .4rem; }
.meta { color: #333333; margin: 0 0 1rem; }
table { border-collapse: collapse; width: 100%; margin: .25rem 0 1rem; font-size: .9rem; }
caption { text-align: left; font-weight: 600; padding: .25rem 0; }
th, td { border: 1px solid #8a8a8a; padding: .3rem .45rem; text-align: left; vertical-align: top; }
thead th { background: #e8eef0; }
.muted { color: #4a4a4a; font-size: .85em; }
.empty { font-style: italic; color: #333333; }
.rag { display: inline-block; padding: 0 .35rem; border-radius: .2rem; font-weight: 600; color: #1a1a1a; }
.rag-red { background: #f8cbcb; } .rag-amber { background: #ffe3a3; } .rag-green { background: #cdebd2; } .rag-blue { background: #cfe0f5; } .rag-none { background: #e7e7e7; }
a { color: #0b4f8a; }
dl.totals { display: grid; grid-template-columns: max-content auto; gap: .2rem 1rem; } dl.totals dt { font-weight: 600; } dl.totals dd { margin: 0; }
@page { size: A4; margin: 15mm 12mm; }
@media print {
  :root { font-size: 9.5pt; } body { max-width: none; padding: 0; }
  h2 { break-after: avoid; } table { break-inside: auto; } tr { break-inside: avoid; } thead { display: table-header-group; }
  a { color: #1a1a1a; text-decoration: underline; }
}
`;

export function boardPackHtml(pack: BoardPack): string {
  const t = pack.totals;
  const title = `${pack.planName}: board pack as at ${formatBritishDate(pack.asAt)}`;
  const mixRows = pack.byPriority.map((p) => [
    esc(p.ref ? `${p.ref}. ${p.title}` : p.title),
    esc(p.actions),
    ...RAGS.map((r) => esc(p.rag[r])),
  ]);
  const m = pack.movement;
  const parts = [
    `<header><h1>${esc(title)}</h1>`,
    `<p class="meta">${pack.meeting ? `For ${esc(pack.meeting.title ?? 'the board meeting')} on ${date(pack.meeting.date)}. ` : ''}Snapshot taken ${esc(formatBritishDate(pack.takenAt.slice(0, 10)))}. ${
      pack.previousAsAt ? `Changes are since the pack as at ${date(pack.previousAsAt)}.` : 'This is the first pack of this plan, so there is nothing to compare with.'
    }</p></header>`,
    '<main>',
    '<section aria-labelledby="s-summary"><h2 id="s-summary">Summary</h2>',
    `<dl class="totals"><dt>Actions</dt><dd>${t.actions}</dd><dt>Milestones</dt><dd>${t.milestones}</dd><dt>Exceptions (red or amber)</dt><dd>${t.exceptions}</dd><dt>Overdue</dt><dd>${t.overdue}</dd><dt>No update for ${pack.staleDays}+ days</dt><dd>${t.stale}</dd><dt>Unowned actions</dt><dd>${t.unowned}</dd><dt>Awaiting sign-off</dt><dd>${t.awaitingSignOff}</dd><dt>Completed since last pack</dt><dd>${pack.completedSinceLast.length}</dd></dl>`,
    table('Actions by priority and RAG', ['Priority', 'Actions', 'Red', 'Amber', 'Green', 'Complete (blue)', 'No rating'], mixRows, 'No actions in this plan.'),
    table(
      'Actions by progress',
      ['Progress', 'Actions'],
      Object.entries(t.status)
        .filter(([, n]) => n > 0)
        .map(([s, n]) => [esc(statusLabel(s as keyof typeof t.status)), esc(n)]),
      'No actions in this plan.',
    ),
    '</section>',
    '<section aria-labelledby="s-movement"><h2 id="s-movement">Movement since the last pack</h2>',
    m
      ? [
          movementTable('Improved', m.improved, 'Nothing improved.'),
          movementTable('Worsened', m.worsened, 'Nothing worsened.'),
          movementTable('Completed', m.completed, 'Nothing completed.'),
          table('New since the last pack', ['Ref', 'Title', 'RAG', 'Due'], m.added.map((r) => [esc(r.label), esc(r.title), rag(r.rag), esc(r.due)]), 'Nothing new.'),
          movementTable('Revised dates', m.revisedDates, 'No dates revised.'),
        ].join('')
      : '<p class="empty">First pack: nothing to compare with.</p>',
    '</section>',
    '<section aria-labelledby="s-exceptions"><h2 id="s-exceptions">Exceptions</h2>',
    itemTable('Red and amber actions', pack.exceptions, 'No red or amber actions.', 'exception'),
    '</section>',
    '<section aria-labelledby="s-attention"><h2 id="s-attention">Needing attention</h2>',
    '<h3>Overdue</h3>',
    itemTable('Overdue actions and milestones', pack.overdue, 'Nothing is overdue.', 'overdue'),
    `<h3>No update for ${pack.staleDays} days or more</h3>`,
    itemTable('Items with no recent update', pack.stale, 'Everything open has been updated recently.', 'stale'),
    '<h3>Unowned</h3>',
    itemTable('Open actions with no owner in the directory', pack.unowned, 'Every open action has an owner.', 'basic'),
    '<h3>Awaiting sign-off</h3>',
    itemTable('Marked complete, waiting for the manager', pack.awaitingSignOff, 'Nothing is waiting for sign-off.', 'evidence'),
    '</section>',
    '<section aria-labelledby="s-completed"><h2 id="s-completed">Completed and signed off</h2>',
    itemTable(pack.previousAsAt ? 'Signed off since the last pack' : 'Signed off to date', pack.completedSinceLast, 'Nothing signed off since the last pack.', 'evidence'),
    '</section>',
    '<section aria-labelledby="s-kpis"><h2 id="s-kpis">KPI scorecard</h2>',
    ...KPI_GROUPS.map((g) => `<h3>${esc(g[0].toUpperCase() + g.slice(1))}</h3>${kpiTable(g, pack.kpis.filter((k) => k.group === g))}`),
    '</section>',
    '</main>',
  ];
  return `<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${esc(title)}</title><style>${CSS}</style></head><body>${parts.join('\n')}</body></html>`;
}
