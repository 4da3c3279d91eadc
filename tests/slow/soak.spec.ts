import assert from 'node:assert/strict';
import { startHarness, cardText, ROSA, JORDAN, type Harness } from '../support/botHarness';
import { seedFixtures } from '../support/fixtures';

/**
 * Mixed traffic at a steady rate for SOAK_SECONDS (default 600) against the real server: questions
 * from several people, typed updates, card presses. No reply may be an error, and memory after the
 * warm-up must stay flat within 10%. Slow: run by .ci/run and `npm run test:slow`, not `npm test`.
 */
const SECONDS = Number(process.env.SOAK_SECONDS ?? 600);
const RATE = Number(process.env.SOAK_RATE ?? 8); // requests per second
const WARMUP_SECONDS = Math.min(60, Math.floor(SECONDS / 5));

describe(`soak: ${SECONDS} s of mixed traffic at ${RATE}/s`, function () {
  this.timeout((SECONDS + 120) * 1000);
  let h: Harness;
  before(async () => {
    h = await startHarness({ today: '2021-11-15' });
    await seedFixtures(h.bot.services, ['southend2021']);
  });
  after(async () => h?.stop());

  it('answers everything without an error and keeps memory flat', async () => {
    const questions = ['my actions', "what's overdue", 'due in 30 days', 'action 2.1', 'priority 2', 'summary', 'kpi c162', 'kpis off target', 'who owns 3.2', 'history 2.4'];
    const rosaActions = ['2.1', '2.2', '2.4', '2.5', '2.6', '6.2', '6.3'];
    const errors: string[] = [];
    const rss: { at: number; mb: number }[] = [];
    let sent = 0;
    const started = Date.now();
    const interval = 1000 / RATE;
    while (Date.now() - started < SECONDS * 1000) {
      const tickStart = Date.now();
      const n = sent++;
      try {
        if (n % 10 === 9) {
          const ref = rosaActions[n % rosaActions.length];
          const rag = n % 20 === 9 ? 'amber' : 'green';
          const reply = await h.say(`update ${ref} ${rag}: soak update ${n}`, { from: n % 30 === 9 ? JORDAN : ROSA });
          const text = cardText(reply[0]?.activity.attachments?.[0]?.content ?? {});
          if (!/Action \d\.\d+/.test(text)) errors.push(`update ${ref}: ${text.slice(0, 120)}`);
        } else if (n % 10 === 5) {
          const r = await h.execute('showMore', { q: "what's overdue", page: '1' });
          if (r.status !== 200 || r.body.statusCode !== 200) errors.push(`showMore: ${r.status} ${JSON.stringify(r.body).slice(0, 120)}`);
        } else {
          const q = questions[n % questions.length];
          const reply = await h.say(q, { from: n % 3 ? ROSA : JORDAN, where: n % 4 === 0 ? { kind: 'channel' } : { kind: 'personal' } });
          const body = JSON.stringify(reply.map((r) => r.activity));
          if (reply.length !== 1 || /something went wrong|couldn't reach/i.test(body)) errors.push(`${q}: ${body.slice(0, 160)}`);
        }
      } catch (err) {
        errors.push(String(err));
      }
      // The connector stand-in keeps every message; forget them so its memory is not counted as ours.
      if (n % 200 === 0) h.stub.clear();
      const elapsed = (Date.now() - started) / 1000;
      if (elapsed > WARMUP_SECONDS && (rss.length === 0 || Date.now() - rss[rss.length - 1].at > 5000)) {
        // With --expose-gc (npm run test:slow) the sample is the live heap after a full collection,
        // which is what a leak grows; without it, resident memory, which is noisier.
        const gc = (globalThis as { gc?: () => void }).gc;
        if (gc) gc();
        const m = process.memoryUsage();
        rss.push({ at: Date.now(), mb: (gc ? m.heapUsed : m.rss) / 2 ** 20 });
      }
      const wait = interval - (Date.now() - tickStart);
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    }
    assert.deepEqual(errors.slice(0, 5), [], `${errors.length} error replies out of ${sent}`);
    const window = Math.max(1, Math.floor(rss.length / 5));
    const avg = (xs: { mb: number }[]) => xs.reduce((a, b) => a + b.mb, 0) / xs.length;
    const early = avg(rss.slice(0, window));
    const late = avg(rss.slice(-window));
    console.log(`      ${sent} requests in ${SECONDS} s; memory after warm-up ${early.toFixed(1)} MiB, at the end ${late.toFixed(1)} MiB`);
    assert.ok(late <= early * 1.1, `memory grew from ${early.toFixed(0)} to ${late.toFixed(0)} MiB`);
  });
});
