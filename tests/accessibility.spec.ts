import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ItemState } from '../domain/planItem';
import type { Rag } from '../domain/model';
import type { KpiPoint } from '../domain/model';
import { statusOf } from '../services/kpiQueries';
import { RAG_COLOR, RAG_SYMBOL, RAG_WORD } from '../bot/views/format';
import { messageCard, helpCard, welcomeCard } from '../bot/views/helpView';
import { kpiCard, kpiRecordCard, kpiReminderCard } from '../bot/views/kpiView';
import { reminderCard } from '../bot/views/proactiveViews';
import { updateFormCard } from '../bot/views/updateView';
import { signOffCard, signOffListCard } from '../bot/views/signOffView';
import { actionCard } from '../bot/views/actionView';
import { assertValidCard } from './support/cardValidation';
import { listCard } from '../bot/views/itemListView';

/**
 * WCAG 2.2 AA text contrast (4.5:1) for every colour a card can put on text.
 *
 * Adaptive Cards name colours ("good", "attention"); the host decides the hex. These are Teams'
 * default host configs (the values the Adaptive Cards designer ships as "Microsoft Teams - Light" and
 * "- Dark"): foreground per named colour on a default container, and each container style's
 * background. #AARRGGBB values carry alpha and are blended over the background. Checking both themes
 * is stricter than the light theme alone: "attention" passes on light (#C4314B, 5.1:1) but not on
 * dark (#D74654, 3.3:1), so it is not used for text at all.
 */
type Theme = { name: string; fg: Record<string, { default: string; subtle: string }>; bg: Record<string, string>; styledFg: Record<string, string> };

const TEAMS_LIGHT: Theme = {
  name: 'Teams light',
  fg: {
    default: { default: '#ff252424', subtle: '#bf252424' },
    dark: { default: '#252424', subtle: '#bf252424' },
    light: { default: '#ffffff', subtle: '#fff3f2f1' },
    accent: { default: '#6264a7', subtle: '#8b8cc7' },
    good: { default: '#92c353', subtle: '#e592c353' },
    warning: { default: '#f8d22a', subtle: '#e5f8d22a' },
    attention: { default: '#c4314b', subtle: '#e5c4314b' },
  },
  bg: { default: '#ffffff', emphasis: '#f9f8f7', accent: '#c7def9', good: '#ccffcc', attention: '#ffc5b2', warning: '#ffe2b2' },
  // Text in the coloured container styles uses that style's own "default" foreground.
  styledFg: { accent: '#ff252424', good: '#ff252424', attention: '#ff252424', warning: '#ff252424' },
};

const TEAMS_DARK: Theme = {
  name: 'Teams dark',
  fg: {
    default: { default: '#ffffffff', subtle: '#bfffffff' },
    dark: { default: '#ff201f1f', subtle: '#ff2d2c2c' },
    light: { default: '#ffffffff', subtle: '#bfffffff' },
    accent: { default: '#ffa6a7dc', subtle: '#ff8b8cc7' },
    good: { default: '#ff92c353', subtle: '#e592c353' },
    warning: { default: '#fff8d22a', subtle: '#e5f8d22a' },
    attention: { default: '#ffd74654', subtle: '#e5d74654' },
  },
  bg: { default: '#ff2d2c2c', emphasis: '#ff292828', accent: '#c7def9', good: '#ccffcc', attention: '#ffc5b2', warning: '#ffe2b2' },
  styledFg: { accent: '#ff201f1f', good: '#ff201f1f', attention: '#ff201f1f', warning: '#ff201f1f' },
};

function rgba(hex: string): [number, number, number, number] {
  const h = hex.replace('#', '');
  const [a, rest] = h.length === 8 ? [parseInt(h.slice(0, 2), 16) / 255, h.slice(2)] : [1, h];
  return [parseInt(rest.slice(0, 2), 16), parseInt(rest.slice(2, 4), 16), parseInt(rest.slice(4, 6), 16), a];
}

function luminance([r, g, b]: number[]): number {
  const lin = (c: number) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}

export function contrast(fgHex: string, bgHex: string): number {
  const bg = rgba(bgHex);
  const fg = rgba(fgHex);
  const blended = [0, 1, 2].map((i) => fg[i] * fg[3] + bg[i] * (1 - fg[3]));
  const [l1, l2] = [luminance(blended), luminance(bg)].sort((a, b) => b - a);
  return (l1 + 0.05) / (l2 + 0.05);
}

type TextUse = { where: string; color: string; subtle: boolean; style: string };

/** Every text element's colour, subtlety and the container style it sits on. */
function textUses(card: unknown, where: string): TextUse[] {
  const out: TextUse[] = [];
  const walk = (n: unknown, style: string, pathHere: string) => {
    if (Array.isArray(n)) return n.forEach((c, i) => walk(c, style, `${pathHere}[${i}]`));
    if (!n || typeof n !== 'object') return;
    const o = n as Record<string, unknown>;
    const here = typeof o.style === 'string' && ['Container', 'Column', 'ColumnSet', 'TableCell', 'Table'].includes(String(o.type)) ? String(o.style) : style;
    if (o.type === 'TextBlock' || o.type === 'TextRun') {
      out.push({ where: `${where} ${pathHere} "${String(o.text).slice(0, 40)}"`, color: String(o.color ?? 'default'), subtle: o.isSubtle === true, style: here });
    }
    for (const [k, v] of Object.entries(o)) if (typeof v === 'object') walk(v, here, `${pathHere}.${k}`);
  };
  walk(card, 'default', '');
  return out;
}

function failures(uses: TextUse[], theme: Theme): string[] {
  const bad: string[] = [];
  for (const u of uses) {
    const colorName = u.color.toLowerCase();
    if (/\$\{/.test(colorName)) continue; // bound colours are checked through the views that fill them
    const styleName = /\$\{/.test(u.style) ? 'emphasis' : u.style.toLowerCase();
    const bg = theme.bg[styleName] ?? theme.bg.default;
    const fgSet = theme.fg[colorName];
    if (!fgSet) {
      bad.push(`${u.where}: "${u.color}" is not an Adaptive Card colour name`);
      continue;
    }
    const fg = colorName === 'default' && theme.styledFg[styleName] ? theme.styledFg[styleName] : u.subtle ? fgSet.subtle : fgSet.default;
    const ratio = contrast(fg, bg);
    if (ratio < 4.5) bad.push(`${u.where}: ${u.color}${u.subtle ? ' (subtle)' : ''} on ${styleName} is ${ratio.toFixed(2)}:1 in ${theme.name}`);
  }
  return bad;
}

const TEMPLATES = path.join(__dirname, '..', 'cards', 'templates');
const templateFiles = fs.readdirSync(TEMPLATES).filter((f) => f.endsWith('.json'));

const item = (rag: Rag, over: Partial<ItemState> = {}): ItemState => ({
  planId: 'p1',
  ref: '2.4',
  kind: 'action',
  title: 'Recruit permanent social workers',
  ownerRole: 'HoS (RB)',
  due: { kind: 'date', date: '2026-10-31' },
  status: rag === 'red' ? 'not_on_track' : rag === 'amber' ? 'some_issues' : rag === 'blue' ? 'complete' : 'on_track',
  rag,
  version: 3,
  ...over,
});

const point = (period: string, value: number): KpiPoint => ({ code: 'k1', period, value, enteredAt: '2026-11-01T10:00:00Z', enteredBy: 'test' });
const kpiDef = { code: 'k1', name: 'Placements stable', unit: '%', polarity: 'higher' as const, target: 87, tolerance: 3, frequency: 'monthly', ownerRole: 'HoS (RB)' };
const series = ['2025-11', '2025-12', '2026-01', '2026-02', '2026-03', '2026-04', '2026-05', '2026-06', '2026-07', '2026-08', '2026-09', '2026-10'].map((p, i) => point(p, 83 + i * 0.5));

const requested = { requestedAt: '2026-10-30T09:00:00Z', requestedVersion: 3 };
const jordan = { role: 'DCS', name: 'Jordan Hale', email: 'j@example.org', aadObjectId: 'j', managerRole: 'Executive Director' };
const rosa = { role: 'HoS (RB)', name: 'Rosa Bennett', email: 'r@example.org', aadObjectId: 'r', managerRole: 'DCS' };

/** Every state of the sign-off cards: open, escalated, signed off, returned with a note, the list, the action card with and without buttons. */
function signOffSamples(): [string, object][] {
  const waiting = item('green', { status: 'awaiting_signoff', signOff: requested, evidenceUrl: 'https://intranet.example/x' });
  const approved = item('blue', { status: 'complete', version: 4, signOff: { ...requested, decision: { kind: 'approved', by: 'j', byName: 'Jordan Hale', at: '2026-11-02T10:00:00Z' } } });
  const returned = item('green', { status: 'on_track', version: 4, signOff: { ...requested, decision: { kind: 'returned', by: 'j', byName: 'Jordan Hale', at: '2026-11-02T10:00:00Z', note: 'Evidence is the *draft*' } } });
  const tz = 'Europe/London';
  const view = (i: ItemState) => ({ action: { ...i, kind: 'action' as const, outcomes: [], kpiCodes: [], extra: {}, milestones: [] }, planName: 'Plan A', lead: rosa, history: [] });
  return [
    ['sign-off open', signOffCard(waiting, { ownerName: 'Rosa Bennett', timeZone: tz })],
    ['sign-off escalated', signOffCard(waiting, { ownerName: 'Rosa Bennett', timeZone: tz, escalation: { managerName: 'Jordan Hale', managerRole: 'DCS', sinceDate: '2026-10-30', workingDays: 6 } })],
    ['sign-off decided (approved)', signOffCard(approved, { ownerName: 'Rosa Bennett', timeZone: tz, outcome: 'This was already decided.' })],
    ['sign-off decided (returned)', signOffCard(returned, { timeZone: tz, outcome: 'This was already decided.' })],
    ['sign-off still open after a newer version', signOffCard(waiting, { timeZone: tz, notice: 'Rosa updated it.' })],
    ['sign-off list', signOffListCard({ title: 'Awaiting your sign-off', subtitle: 'Oldest first', emptyText: 'Nothing.', rows: [{ item: { ...waiting, planName: 'Plan A' }, standing: { mayDecide: true, manager: jordan, managerRole: 'DCS', owner: rosa }, escalated: true }], today: '2026-11-09', timeZone: tz })],
    ['sign-off list (empty)', signOffListCard({ title: 'Awaiting your sign-off', subtitle: 'Oldest first', emptyText: 'Nothing is waiting for your sign-off.', rows: [], today: '2026-11-09', timeZone: tz })],
    ['action awaiting, manager viewing', actionCard(view(waiting), [], '2026-11-09', tz, { mayDecide: true, manager: jordan, managerRole: 'DCS', owner: rosa })],
    ['action awaiting, owner viewing', actionCard(view(waiting), [], '2026-11-09', tz, { mayDecide: false, manager: jordan, managerRole: 'DCS', owner: rosa })],
    ['action returned', actionCard(view(returned), [], '2026-11-09', tz, { mayDecide: false })],
  ];
}

/** A card from every view, in every RAG and tone, so bound colours are checked with the values views really put there. */
function sampleCards(): { name: string; card: object }[] {
  const rags: Rag[] = ['red', 'amber', 'green', 'blue', 'none'];
  const out: { name: string; card: object }[] = [];
  for (const tone of ['default', 'attention', 'good'] as const) out.push({ name: `message (${tone})`, card: messageCard('Heading', ['A line.'], tone) });
  out.push({ name: 'help', card: helpCard({ suggestion: 'kpi c056' }) });
  out.push({ name: 'welcome', card: welcomeCard('Rosa', ['Plan A']) });
  for (const rag of rags) {
    out.push({ name: `reminder overdue ${rag}`, card: reminderCard(item(rag), 'overdue', '2026-11-20', 30) });
    out.push({ name: `reminder stale ${rag}`, card: reminderCard(item(rag), 'stale', '2026-11-20', 30) });
    out.push({ name: `sign-off ${rag}`, card: signOffCard(item(rag, { status: 'awaiting_signoff' }), { ownerName: 'Rosa Bennett', timeZone: 'Europe/London', outcome: 'Approved.' }) });
    out.push({
      name: `list ${rag}`,
      card: listCard({ title: 'Overdue', subtitle: 'All plans', items: [{ ...item(rag), planName: 'Plan A' }] as never, today: '2026-11-20', showRagCounts: true } as never),
    });
  }
  for (const [name, card] of signOffSamples()) out.push({ name, card });
  out.push({
    name: 'update form with errors',
    card: updateFormCard({ item: item('amber'), editorIds: ['29:x'], notice: 'Please fix the highlighted fields.', errors: { commentary: 'Too long.', evidenceUrl: 'Not a link.', revisedDue: 'Not a date.', revisedDueReason: 'Needed.', request: 'Not saved.' } } as never),
  });
  for (const values of [series, series.map((p, i) => ({ ...p, value: 80 + i }))]) {
    out.push({ name: 'kpi', card: kpiCard(statusOf(kpiDef, values)) });
  }
  out.push({ name: 'kpi with notice', card: kpiCard(statusOf(kpiDef, series), { notice: 'Saved: 88% for Nov 2026.' }) });
  out.push({
    name: 'kpi record form',
    card: kpiRecordCard({ def: kpiDef, periods: [{ period: '2026-11', version: 0 }], errors: { value: 'Not a number.', period: 'Pick a period.', reason: 'Needed.' }, notice: 'Nothing was saved.' }),
  });
  out.push({ name: 'kpi reminder', card: kpiReminderCard(kpiDef, { period: '2026-11', version: 0 }, 'due', '2026-12-07') });
  return out;
}

describe('accessibility of every card', () => {
  it('the contrast formula gives the textbook figures', () => {
    assert.equal(contrast('#000000', '#ffffff').toFixed(1), '21.0');
    assert.equal(contrast('#767676', '#ffffff').toFixed(2), '4.54');
    // The figures the issue reported for Teams' light theme: yellow about 1.5:1, green about 2:1.
    assert.ok(contrast(TEAMS_LIGHT.fg.warning.default, '#ffffff') < 1.7);
    assert.ok(contrast(TEAMS_LIGHT.fg.good.default, '#ffffff') < 2.3);
  });

  for (const theme of [TEAMS_LIGHT, TEAMS_DARK]) {
    it(`every literal text colour in cards/templates meets 4.5:1 (${theme.name})`, () => {
      assert.ok(templateFiles.length >= 10, 'the templates were found');
      const bad = templateFiles.flatMap((f) => failures(textUses(JSON.parse(fs.readFileSync(path.join(TEMPLATES, f), 'utf8')), f), theme));
      assert.deepEqual(bad, []);
    });

    it(`every RAG colour the views use meets 4.5:1 (${theme.name})`, () => {
      for (const [rag, color] of Object.entries(RAG_COLOR)) {
        const fg = theme.fg[color.toLowerCase()];
        assert.ok(fg, `${rag}: ${color} is a colour name`);
        assert.ok(contrast(fg.default, theme.bg.default) >= 4.5, `${rag} in ${color}: ${contrast(fg.default, theme.bg.default).toFixed(2)}:1`);
        assert.ok(contrast(fg.default, theme.bg.emphasis) >= 4.5, `${rag} in ${color} on emphasis`);
      }
    });

    it(`every card every view renders meets 4.5:1 for all its text (${theme.name})`, () => {
      const cards = sampleCards();
      const bad = cards.flatMap(({ name, card }) => failures(textUses(card, name), theme));
      assert.deepEqual(bad, []);
    });
  }

  it('RAG is never colour alone: each RAG has its own word and its own symbol, and cards show both', () => {
    const rags = Object.keys(RAG_WORD) as Rag[];
    assert.equal(new Set(rags.map((r) => RAG_SYMBOL[r])).size, rags.length);
    assert.equal(new Set(rags.map((r) => RAG_WORD[r])).size, rags.length);
    for (const f of templateFiles) {
      const json = fs.readFileSync(path.join(TEMPLATES, f), 'utf8');
      // Wherever a template shows the RAG word it shows the symbol too.
      assert.equal((json.match(/\$\{ragWord\}/g) ?? []).length, (json.match(/\$\{ragSymbol\}/g) ?? []).length, f);
    }
    const card = JSON.stringify(reminderCard(item('amber'), 'overdue', '2026-11-20', 30));
    assert.ok(card.includes('"text":"▲"') && card.includes('"text":"Amber"'), card.slice(0, 300));
  });

  it('every input in every template and sample card has a label; required ones say so and explain what is missing', () => {
    const problems: string[] = [];
    const check = (card: unknown, name: string) => {
      const walk = (n: unknown) => {
        if (Array.isArray(n)) return n.forEach(walk);
        if (!n || typeof n !== 'object') return;
        const o = n as Record<string, unknown>;
        if (typeof o.type === 'string' && o.type.startsWith('Input.')) {
          if (typeof o.label !== 'string' || o.label.trim() === '') problems.push(`${name}: ${o.type} ${String(o.id)} has no label`);
          if (o.isRequired === true && (typeof o.errorMessage !== 'string' || o.errorMessage.trim() === '')) problems.push(`${name}: required ${String(o.id)} has no errorMessage`);
        }
        for (const v of Object.values(o)) if (typeof v === 'object') walk(v);
      };
      walk(card);
    };
    for (const f of templateFiles) check(JSON.parse(fs.readFileSync(path.join(TEMPLATES, f), 'utf8')), f);
    const samples = sampleCards();
    for (const { name, card } of samples) check(card, name);
    assert.deepEqual(problems, []);
    const form = JSON.stringify(samples.find((s) => s.name === 'kpi record form')?.card);
    assert.match(form, /"isRequired":true/);
    assert.match(form, /Fields marked \* are required/);
  });

  it('every sign-off card state parses with the adaptivecards library, and user text stays plain', () => {
    const samples = signOffSamples();
    for (const [name, card] of samples) assert.doesNotThrow(() => assertValidCard(card), name);
    const text = (name: string) => JSON.stringify(samples.find(([n]) => n === name)![1]);
    assert.match(text('sign-off decided (returned)'), /Returned by Jordan Hale: Evidence is the \\\\\*draft\\\\\*/);
    assert.doesNotMatch(text('sign-off decided (returned)'), /\(\)/, 'no empty parentheses without an owner name');
    assert.match(text('sign-off escalated'), /Jordan Hale \(DCS\) has not signed off 2\.4 since 30 Oct 2026 \(6 working days\)/);
    assert.match(text('action awaiting, manager viewing'), /"verb":"approveSignoff"/);
    assert.match(text('action awaiting, manager viewing'), /"id":"note","label":"Note to the owner/);
    assert.doesNotMatch(text('action awaiting, owner viewing'), /approveSignoff|returnSignoff|"id":"note"/);
    assert.match(text('action awaiting, owner viewing'), /Awaiting sign-off by Jordan Hale \(DCS\) since 30 Oct 2026/);
  });

  it('every card title is a heading (style "heading"), in every template', () => {
    const problems: string[] = [];
    for (const f of templateFiles) {
      const card = JSON.parse(fs.readFileSync(path.join(TEMPLATES, f), 'utf8')) as { body: Record<string, unknown>[] };
      const big = JSON.stringify(card).match(/\{[^{}]*"size":\s*"(Medium|Large|ExtraLarge)"[^{}]*\}/g) ?? [];
      for (const b of big) if (/"weight":\s*"Bolder"/.test(b) && !/"style":\s*"heading"/.test(b)) problems.push(`${f}: ${b.slice(0, 80)}`);
      const first = card.body.find((e) => e.type === 'TextBlock' && (e.style === 'heading' || e.size === 'Medium'));
      if (!first) problems.push(`${f}: no heading`);
    }
    assert.deepEqual(problems, []);
  });

  it('a success is never styled as a problem: "Saved" notices use the default colour', () => {
    const card = kpiCard(statusOf(kpiDef, series), { notice: 'Saved: 88% for Nov 2026.' });
    const notice = textUses(card, 'kpi').find((u) => u.where.includes('Saved'));
    assert.ok(notice, 'the notice is shown');
    assert.equal(notice.color.toLowerCase(), 'default');
    const updateFlow = fs.readFileSync(path.join(__dirname, '..', 'bot', 'updateFlow.ts'), 'utf8');
    assert.doesNotMatch(updateFlow, /color: 'Attention'/);
  });

  it('every chart in every sample card has a text equivalent: a fallback and the same figures as text', () => {
    const charts: string[] = [];
    for (const { name, card } of sampleCards()) {
      const walk = (n: unknown) => {
        if (Array.isArray(n)) return n.forEach(walk);
        if (!n || typeof n !== 'object') return;
        const o = n as Record<string, unknown>;
        if (typeof o.type === 'string' && o.type.startsWith('Chart.')) {
          charts.push(name);
          const fb = o.fallback as Record<string, unknown> | undefined;
          assert.ok(fb && typeof fb === 'object' && /\S/.test(JSON.stringify(fb)), `${name}: ${o.type} has a fallback`);
          assert.ok(JSON.stringify(fb).length > 40, `${name}: the fallback says something`);
        }
        for (const v of Object.values(o)) if (typeof v === 'object') walk(v);
      };
      walk(card);
    }
    assert.ok(charts.length >= 2, 'some sample cards have charts');
    // Templates too: no chart without a fallback, wherever it is bound.
    for (const f of templateFiles) {
      const json = fs.readFileSync(path.join(TEMPLATES, f), 'utf8');
      const count = (json.match(/"type":\s*"Chart\./g) ?? []).length;
      const fallbacks = (json.match(/"fallback":\s*\{/g) ?? []).length;
      assert.ok(fallbacks >= count, `${f}: ${count} charts, ${fallbacks} fallbacks`);
    }
  });
});
