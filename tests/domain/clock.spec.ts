import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { systemClock, todayIn } from '../../domain/clock';
import { britishDateTime } from '../../bot/views/format';

const ROOT = path.resolve(__dirname, '../..');
/** Folders that are tooling or measurement, not the product: they may time things with the wall clock. */
const NOT_PRODUCT = new Set(['node_modules', 'dist', 'tests', 'bench', '.git', '.data', 'env', 'appPackage', 'infra']);
/** The e2e runner reports elapsed times and stamps its own commentary; it is a test, kept in scripts/ to be run with tsx. */
const TOOL_FILES = new Set(['scripts/test-e2e.ts']);

function productSources(dir = ROOT): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name);
    const rel = path.relative(ROOT, full).split(path.sep).join('/');
    if (statSync(full).isDirectory()) {
      if (!NOT_PRODUCT.has(name) && !name.startsWith('.')) out.push(...productSources(full));
    } else if (name.endsWith('.ts') && !TOOL_FILES.has(rel)) {
      out.push(rel);
    }
  }
  return out;
}

describe('the one clock', () => {
  it('is the only place product code reads the wall clock', () => {
    const files = productSources();
    // Enough files that a wrong root would be noticed, not pass vacuously.
    assert.ok(files.length > 50, `only ${files.length} source files found under ${ROOT}`);
    assert.ok(files.includes('domain/clock.ts'));
    const offenders: string[] = [];
    for (const f of files) {
      if (f === 'domain/clock.ts') continue;
      readFileSync(path.join(ROOT, f), 'utf8')
        .split('\n')
        .forEach((line, i) => {
          if (/new Date\(\s*\)|Date\.now\(\)/.test(line.replace(/\/\/.*$/, ''))) offenders.push(`${f}:${i + 1}: ${line.trim()}`);
        });
    }
    assert.deepEqual(offenders, [], `read the time from the injected Clock (services.clock) instead:\n${offenders.join('\n')}`);
    // And clock.ts reads it exactly once, inside systemClock.
    const own = readFileSync(path.join(ROOT, 'domain/clock.ts'), 'utf8').match(/new Date\(\s*\)|Date\.now\(\)/g) ?? [];
    assert.equal(own.length, 1);
  });

  describe('systemClock with FAKE_TODAY', () => {
    // Dates either side of both UK clock changes, so the shifted instant crosses GMT/BST whatever today is.
    for (const fake of ['2026-01-15', '2026-03-29', '2026-07-01', '2026-10-25', '2027-12-31']) {
      it(`pins today to ${fake} and keeps now() on the same London day`, () => {
        const c = systemClock('Europe/London', fake);
        assert.equal(c.today(), fake);
        assert.equal(todayIn('Europe/London', c.now()), fake);
      });
    }

    it('keeps the real time of day (to the minute), so working hours still mean something', () => {
      const c = systemClock('Europe/London', '2026-07-01');
      const hm = (d: Date) => new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(d);
      const real = systemClock('Europe/London').now();
      const fake = c.now();
      // The hour may differ by one across a clock change near midnight; otherwise it is the same.
      const minutes = (s: string) => Number(s.slice(0, 2)) * 60 + Number(s.slice(3));
      assert.ok(Math.abs(minutes(hm(fake)) - minutes(hm(real))) <= 61 || Math.abs(minutes(hm(fake)) - minutes(hm(real))) >= 24 * 60 - 61);
    });

    it('without FAKE_TODAY, today() is the London date of now()', () => {
      const c = systemClock('Europe/London');
      assert.equal(c.today(), todayIn('Europe/London', c.now()));
    });
  });
});

describe('britishDateTime: day-first, in the council zone, midnight as 00', () => {
  it('follows BST and GMT, and never prints 24:xx', () => {
    assert.equal(britishDateTime('2026-06-30T23:05:00Z', 'Europe/London'), '1 Jul 2026, 00:05', 'BST: an hour ahead of UTC, past midnight');
    assert.equal(britishDateTime('2026-10-31T23:30:00Z', 'Europe/London'), '31 Oct 2026, 23:30', 'GMT after the clocks go back on 25 Oct');
    assert.equal(britishDateTime(new Date('2026-03-29T00:59:00Z'), 'Europe/London'), '29 Mar 2026, 00:59', 'the minute before the clocks go forward');
    assert.equal(britishDateTime(new Date('2026-03-29T01:00:00Z'), 'Europe/London'), '29 Mar 2026, 02:00', 'and the minute they do');
  });
});
