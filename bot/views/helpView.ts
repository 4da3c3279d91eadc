import { renderCard, type AdaptiveCardJson } from '../../cards/render';
import { plainText } from './userText';

// The demo spec (tests/integration/demo.spec.ts) asks every example here as Rosa, so each must work on the demo data.
const GROUPS = [
  { title: 'Your work', examples: '“my actions” · “due this week” · “due in 14 days”' },
  { title: 'The plan', examples: '“what’s overdue” · “overdue for HoS (RB)” · “overdue in priority 2” · “summary” · “unowned”' },
  { title: 'One action or theme', examples: '“action 2.4” · “priority 3” · “red actions” · “what’s amber in priority 2” · “who owns 3.2” · “who is HoS (RB)”' },
  { title: 'KPIs', examples: '“kpi c056” · “kpis off target” · “kpi list”' },
  { title: 'Updating', examples: '“update 2.4 amber: recruitment delayed two months” · “2.4 complete https://…” · “history 2.4”' },
];

export function helpCard(opts: { heading?: string; suggestion?: string } = {}): AdaptiveCardJson {
  return renderCard('help', { heading: opts.heading ?? 'What I can do', suggestion: opts.suggestion ?? '', groups: GROUPS });
}

export function welcomeCard(name: string | undefined, planNames: string[]): AdaptiveCardJson {
  return renderCard('welcome', {
    name: plainText(name ?? ''),
    planLine: planNames.length ? `Plans loaded: ${planNames.join(', ')}.` : 'No plan has been imported yet: an admin can load one with npm run import.',
    examples: ['my actions', "what's overdue", 'action 2.4', 'kpi c056', 'summary'].map((text) => ({ text })),
  });
}

export function messageCard(title: string, lines: string[], tone: 'default' | 'attention' | 'good' = 'default'): AdaptiveCardJson {
  // The tone is said in words; the heading keeps the default colour, because Teams' good and attention
  // text colours fall under 4.5:1 on one theme or the other (see RAG_COLOR).
  void tone;
  return renderCard('message', { title, lines, color: 'Default' });
}
