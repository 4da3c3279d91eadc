import type { ListRow, Playground } from './playground';

/*
 * What a person does on a first visit, as Rosa Bennett (Head of Service, role "HoS (RB)" in the demo
 * directory; the Playground's current user in .m365agentsplayground.yml):
 *
 *   the welcome card → "hi" → "what's overdue" → "my actions" → open one of her actions by clicking its
 *   row → Update → choose a progress value and write commentary → Save update → the card shows the new
 *   RAG and "Updated by Rosa Bennett" → its History button, and "history <ref>", list the change.
 *
 * The demo data is the three fixture plans with dates moved relative to today, so nothing below relies
 * on a particular date: rows are read from the cards, not expected by heart.
 */

export const USER_NAME = 'Rosa Bennett';
export const USER_ROLE = 'HoS (RB)';
/** The demo plan whose actions Rosa leads. */
export const ROSAS_PLAN = 'Southend 2021 priorities';
export const DEMO_PLANS = ['Southend 2021 priorities', 'Southend 2016 Ofsted plan', 'Sefton 2022 phase 1'];

export class StepFailure extends Error {}

export interface Reporter {
  step<T>(name: string, run: () => Promise<T>): Promise<T>;
  /** Something wrong in the bot that the scenario can work around; fatal only with E2E_STRICT=1. */
  knownIssue(message: string): void;
  note(message: string): void;
}

function check(condition: unknown, message: string): asserts condition {
  if (!condition) throw new StepFailure(message);
}

const OVERDUE = /\((\d+) days? overdue\)/;

/** The owner is the segment after the due date in "due (N days overdue) · owner · status · plan". */
export function ownerOf(row: ListRow): string | undefined {
  const parts = row.detail.split(' · ').map((p) => p.trim());
  const dueAt = parts.findIndex((p) => OVERDUE.test(p) || /\(due |\(complete\)|^No due date$|^\d{1,2} \w{3} \d{4}/.test(p));
  return dueAt >= 0 ? parts[dueAt + 1] : undefined;
}

/** The plan name is the action card's first line. */
function planOf(cardText: string): string {
  return cardText.split('\n').map((l) => l.trim()).find(Boolean) ?? '';
}

export async function runScenario(pg: Playground, r: Reporter): Promise<void> {
  await r.step('welcome card on opening the chat', async () => {
    const { card, text } = await pg.waitForCard('the welcome card', 0, (t) => t.includes('Welcome'), 30_000);
    check(text.includes(`Welcome, ${USER_NAME}`), `the welcome card should greet ${USER_NAME} by name; it says:\n${text}`);
    for (const plan of DEMO_PLANS) check(text.includes(plan), `the welcome card should list the demo plan "${plan}"; it says:\n${text}`);
    await pg.screenshot('welcome', card);
  });

  await r.step('"hi" gets a greeting with example questions', async () => {
    const from = await pg.send('hi');
    const { card, text } = await pg.waitForCard('an answer to "hi"', from, (t) => /Hello|What I can do/i.test(t));
    // The greeting names the user and offers examples; the full help card is one "help" away.
    check(/Hello, Rosa!|Hello! Here is what I can do/.test(text), `expected the hello heading, got:\n${text}`);
    check(/my actions/.test(text) && /what.s overdue/.test(text) && /action 2\.4/.test(text), `the help card should list example questions; it says:\n${text}`);
    await pg.screenshot('hi-help', card);
  });

  await r.step('"what\'s overdue" lists overdue rows with ref, owner and days overdue', async () => {
    const from = await pg.send("what's overdue");
    const { card, text } = await pg.waitForCard('the overdue list', from, (t) => /^\s*Overdue/.test(t));
    check(/oldest first, as at \d{1,2} \w{3} \d{4}/.test(text), `the subtitle should say "as at <date>"; the card says:\n${text.slice(0, 400)}`);
    const rows = await pg.listRows(card);
    check(rows.length > 0, `the overdue card shows no rows:\n${text.slice(0, 600)}`);
    const good = rows.filter((row) => {
      const owner = ownerOf(row);
      return row.ref && row.title.startsWith(row.ref) && OVERDUE.test(row.detail) && owner && owner !== 'No owner';
    });
    check(good.length > 0, `no overdue row shows a ref, an owner and "N days overdue":\n${rows.map((x) => `${x.rag} | ${x.title} | ${x.detail}`).join('\n')}`);
    const days = rows.map((row) => Number(OVERDUE.exec(row.detail)?.[1] ?? NaN)).filter((d) => !Number.isNaN(d));
    check(
      days.every((d, i) => i === 0 || d <= days[i - 1]),
      `"oldest first" means days overdue never go up down the list; got ${days.join(', ')}`,
    );
    r.note(`overdue: ${rows.length} rows shown; first: ${good[0].title.slice(0, 60)} — ${good[0].detail}`);
    await pg.screenshot('overdue', card);
  });

  // "my actions" is date-independent: every open item Rosa's role leads, soonest first.
  const rows = await r.step('"my actions" lists the actions Rosa leads', async () => {
    const from = await pg.send('my actions');
    const { card, text } = await pg.waitForCard('the "my actions" list', from, (t) => /^\s*My actions/.test(t));
    check(text.includes(`for ${USER_ROLE}`), `"my actions" should be for ${USER_ROLE}; the card says:\n${text.slice(0, 400)}`);
    const found = (await pg.listRows(card)).filter((row) => row.detail.includes(ROSAS_PLAN));
    check(found.length > 0, `"my actions" shows nothing from ${ROSAS_PLAN}:\n${text}`);
    for (const row of found) check(ownerOf(row) === USER_ROLE, `row ${row.ref} in "my actions" is not owned by ${USER_ROLE}: ${row.detail}`);
    await pg.screenshot('my-actions', card);
    return found;
  });

  // Click rows until one opens the action of the plan the row was in. Refs repeat across the demo
  // plans (2.4 is in both Southend plans), so this also checks the row opens the right plan's action.
  const opened = await r.step('clicking a row opens that action', async () => {
    const wrong: string[] = [];
    const report = () => {
      if (wrong.length)
        r.knownIssue(
          `clicking a "my actions" row of ${ROSAS_PLAN} (led by ${USER_ROLE}) opens the same ref in another plan: ${wrong.join('; ')}. ` +
            `The card then notes "Ref … also exists in: ${ROSAS_PLAN}." with no way to open that one, and its Update button targets the other plan.`,
        );
    };
    for (const row of rows) {
      const from = await pg.cardCount();
      await row.locator.click();
      const { card, index, text } = await pg.waitForCard(`the card for action ${row.ref}`, from, (t) => t.includes(`Action ${row.ref}:`));
      const plan = planOf(text);
      if (plan !== ROSAS_PLAN) {
        wrong.push(`${row.ref} → "${plan}"`);
        await pg.screenshot(`row-${row.ref}-opened-${plan.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`, card);
        continue;
      }
      report();
      check(text.includes(`${USER_ROLE} (${USER_NAME})`), `action ${row.ref} should show its lead as "${USER_ROLE} (${USER_NAME})":\n${text}`);
      check(/Recent changes/.test(text), `the action card should have a "Recent changes" section:\n${text}`);
      await pg.screenshot(`action-${row.ref}`, card);
      return { ref: row.ref, index, text };
    }
    report();
    throw new StepFailure(`none of the ${rows.length} ${ROSAS_PLAN} rows in "my actions" opened an action of ${ROSAS_PLAN}`);
  });

  const ref = opened.ref;
  const form = await r.step(`Update on action ${ref} shows the update form`, async () => {
    await pg.press(pg.cards().nth(opened.index), 'Update');
    const { card, text } = await pg.waitForCardChange(`the update form for ${ref}`, opened.index, (t) => t.includes(`Update ${ref}`) && t.includes('Save update'));
    check(/Now: .+; due /.test(text), `the form should say what the action is now ("Now: …"):\n${text}`);
    for (const label of ['Progress', 'RAG', 'Commentary', 'Evidence link', 'Revised due date', 'Reason for the new date']) {
      check(text.includes(label), `the form has no "${label}" field:\n${text}`);
    }
    await pg.screenshot(`update-form-${ref}`, card);
    return { card, now: /Now: ([^\n]+)/.exec(text)?.[1] ?? '' };
  });

  // Move the action somewhere it is not: Amber if it is not already "Some issues", else Red.
  const target = form.now.startsWith('Some issues')
    ? { progress: 'Not on track', rag: 'Red', code: 'not_on_track' }
    : { progress: 'Some issues, recovering', rag: 'Amber', code: 'some_issues' };
  const commentary = `E2E check ${new Date().toISOString().slice(0, 16)}: QA dashboard slipped to January; analyst post vacant.`;

  await r.step(`fill the form: progress "${target.progress}", commentary`, async () => {
    await pg.choose(form.card, /^Progress/, target.progress);
    await pg.fill(form.card, /^Commentary/, commentary);
    await pg.screenshot(`update-form-filled-${ref}`, form.card);
  });

  const updated = await r.step('Save update: the card shows the new RAG and "Updated by Rosa Bennett"', async () => {
    await pg.press(form.card, 'Save update');
    const { card, text } = await pg.waitForCardChange(
      `action ${ref} to show the saved update`,
      opened.index,
      (t) => t.includes(`Action ${ref}:`) && t.includes(`Updated by ${USER_NAME}`),
    );
    const ragWord = (await card.locator('.ac-textBlock').allInnerTexts()).map((t) => t.trim());
    check(ragWord.includes(target.rag), `the card should show the RAG word "${target.rag}" after the update:\n${text}`);
    check(text.includes(target.progress), `the card should show progress "${target.progress}":\n${text}`);
    check(text.includes(commentary), `the card should show the new commentary as "Latest commentary":\n${text}`);
    await pg.screenshot(`action-${ref}-updated`, card);
    return { card, text };
  });
  let codesReported = false;
  /** The history card's line for this update: by Rosa, with the commentary and the RAG change. */
  const historyLine = (text: string): string => {
    const line = text.split('\n').find((l) => l.includes(USER_NAME) && l.includes(commentary));
    check(line, `the history of ${ref} should have a line by ${USER_NAME} with the commentary:\n${text}`);
    check(new RegExp(`\\b${target.rag}\\b`, 'i').test(line), `the history line should record the RAG change to ${target.rag}: ${line}`);
    if (!codesReported && (line.includes(target.code) || /\bnot_started\b|\bnone → /.test(line))) {
      codesReported = true;
      r.knownIssue(`history lines show internal codes rather than the words the cards use: "${line.slice(0, 160)}…"`);
    }
    return line;
  };

  await r.step(`the card's History button lists the change`, async () => {
    const from = await pg.cardCount();
    await pg.press(updated.card, 'History');
    const { card, text } = await pg.waitForCard(`the history of ${ref} (History button)`, from, (t) => t.includes(`History of ${ref}`));
    historyLine(text);
    await pg.screenshot(`history-button-${ref}`, card);
  });

  await r.step(`"history ${ref}" lists the change`, async () => {
    const from = await pg.send(`history ${ref}`);
    const first = await pg.waitForCard(`the history of ${ref}, or a choice of plans`, from, (t) => t.includes(`History of ${ref}`) || t.includes(`${ref} is in`));
    if (first.text.includes(`History of ${ref}`)) {
      historyLine(first.text);
      await pg.screenshot(`history-${ref}`, first.card);
      return;
    }
    // The ref is in more than one demo plan: the bot offers them rather than guess; a person names the plan.
    check(first.text.includes(ROSAS_PLAN), `the choice of plans for ${ref} should include ${ROSAS_PLAN}:\n${first.text}`);
    await pg.screenshot(`history-${ref}-choice`, first.card);
    const from2 = await pg.send(`history ${ref} in ${ROSAS_PLAN}`);
    const named = await pg.waitForCard(`the history of ${ref} in ${ROSAS_PLAN}`, from2, (t) => t.includes(`History of ${ref}`));
    historyLine(named.text);
    await pg.screenshot(`history-${ref}-in-plan`, named.card);
  });
}
