import assert from 'node:assert/strict';
import { findKpiCode, isKpiCode, kpiCodeKey, knownCodesIn, normaliseKpiCode, shapedCodesIn } from '../../domain/kpiCodes';
import { kpiCodesIn } from '../../domain/import/planCells';
import { leadingKpiCode, parseKpiValueText } from '../../domain/kpiValueText';
import { parseIntent } from '../../domain/intent';
import { resolveIntent, type Vocabulary } from '../../domain/language/resolve';
import { parseKpis, parseKpiValues } from '../../domain/import/kpiParser';

/** Codes of other councils' shapes; the names are made up for the test. */
const KNOWN = ['ni 062', 'pi-12', 'csc07', 'kpi 4.1', 'kpi 4.12', 'sh.kpi.3', 'c056', 'icpc', 'visits'];

describe('KPI codes of other councils\' shapes', () => {
  it('are stored lower-case and compared by letters and digits', () => {
    assert.equal(normaliseKpiCode('  NI   062 '), 'ni 062');
    assert.equal(kpiCodeKey('SH.KPI.3'), 'shkpi3');
    assert.deepEqual(['NI062', 'ni-062', 'PI 12', 'csc 07', 'Kpi4.1', 'c57'].map((t) => findKpiCode(t, KNOWN)), ['ni 062', 'ni 062', 'pi-12', 'csc07', 'kpi 4.1', undefined]);
    assert.deepEqual(['ni 062', 'pi-12', 'sh.kpi.3', 'kpi 4.1', 'a2', '2.4', '12', 'ni  062', 'ni/062', 'x'.repeat(21)].map(isKpiCode), [true, true, true, true, true, false, false, false, false, false]);
  });

  it('in plan text, the defined codes are found in any spelling; ordinary words, refs and undefined look-alikes are not codes', () => {
    const text = [
      'Raise NI062 and PI 12 to target (see CSC 07); report KPI 4.12 and SH.KPI.3 monthly.',
      'Visits to every child in action 2.4; KS2 results; EHCP 20-week timescales; icpc held on time.',
    ];
    assert.deepEqual(kpiCodesIn(text, KNOWN), ['ni 062', 'pi-12', 'csc07', 'kpi 4.12', 'sh.kpi.3']);
    assert.deepEqual(knownCodesIn('kpi 4.1 and kpi 4.12', KNOWN).map((f) => f.code), ['kpi 4.1', 'kpi 4.12']);
  });

  it('without definitions, only conservative shapes: cNNN, NI/PI/LPI/BVPI/KPI numbers in capitals, SERVICE.KPI.n', () => {
    const text = 'NI 062, PI-12, LPI 7 and KPI 4.1 improve; SH.KPI.3 and c056 too. Not CSC07 (a council\'s own), not KS2, EHCP 20, Q3 2026, ni 062 or 2.4.';
    assert.deepEqual(shapedCodesIn(text).map((f) => f.code), ['ni 062', 'pi-12', 'lpi 7', 'kpi 4.1', 'sh.kpi.3', 'c056']);
    assert.deepEqual(kpiCodesIn(['Priority 2.4 is led by the PI team; at 95% of visits.']), []);
    // The action's existing c-codes and adoption scorecard citations still link.
    assert.deepEqual(kpiCodesIn(['Stability (c036, c042); Adoption Scorecard 16-19, A2']), ['c036', 'c042', 'a2']);
  });

  it('a value typed with a spaced or respelt code is read with the defined code', () => {
    assert.deepEqual(leadingKpiCode('kpi NI 062 2025/26 40', KNOWN), { code: 'ni 062', rest: '2025/26 40', prefixed: true });
    assert.deepEqual(leadingKpiCode('PI12 nov 2026 7', KNOWN), { code: 'pi-12', rest: 'nov 2026 7', prefixed: false });
    assert.equal(leadingKpiCode('NI 062 2025/26 40', KNOWN), undefined, 'a spaced code needs "kpi" in front');
    assert.equal(leadingKpiCode('sh.kpi.3 nov 2026 7')?.code, 'sh.kpi.3');
    const v = parseKpiValueText('kpi KPI 4.1 nov 2026 55%', '2026-12-02', ['kpi 4.1']);
    assert.ok(v?.ok);
    assert.deepEqual([v.code, v.value, v.period], ['kpi 4.1', 55, { kind: 'month', month: 11, year: 2026, text: 'nov 2026' }]);
  });

  it('questions: "kpi NI 062", "kpi pi-12", "kpi ni062" and "kpi KPI 4.1" ask for the KPI; "kpi 4.1" alone stays action 4.1', () => {
    const v: Vocabulary = { plans: [], people: [], ownerRoles: [], items: [], priorities: [], kpis: KNOWN.map((code) => ({ code, name: `Measure ${code}` })), callerRoles: [] };
    const asked = (text: string) => {
      const r = resolveIntent(parseIntent(text, { today: '2026-12-02' }), v);
      return r.kind === 'ok' && r.intent.kind === 'kpi' ? r.intent.code : `${r.kind}:${JSON.stringify(r.kind === 'ok' ? r.intent : r)}`.slice(0, 80);
    };
    assert.deepEqual(['kpi NI 062', 'kpi pi-12', 'kpi ni062', 'kpi KPI 4.1', 'kpi sh.kpi.3', 'show kpi CSC 07', 'NI 062'].map(asked), ['ni 062', 'pi-12', 'ni 062', 'kpi 4.1', 'sh.kpi.3', 'csc07', 'ni 062']);
    assert.deepEqual(parseIntent('kpi 4.1'), { kind: 'action', ref: '4.1' });
    assert.deepEqual(parseIntent('kpi nov 2026').kind === 'kpi', false, 'a month is not a code');
  });

  it('import: definitions keep the code as written (lower case); values name it in any spelling', () => {
    const defs = parseKpis([
      ['Code', 'Indicator', 'Polarity', 'Target', 'Tolerance', 'Frequency'],
      ['NI 062', 'Stability of placements: three or more moves', 'lower', '10', '1', 'Annually (financial year)'],
      ['PI-12', 'Visits within timescale', 'higher', '90', '5', 'Monthly'],
      ['4.1', 'A code that is only a ref', 'higher', '1', '0', 'Monthly'],
    ]);
    assert.deepEqual(defs.kpis.map((k) => k.code), ['ni 062', 'pi-12']);
    assert.match(defs.problems[0].message, /A KPI code is letters and digits, with single spaces, dots, dashes or underscores between them/);
    const values = parseKpiValues(
      [
        ['Code', 'Period', 'Value'],
        ['NI062', '2025/26', '11'],
        ['pi 12', '2026-10', '88'],
      ],
      { known: defs.kpis },
    );
    assert.deepEqual(values.values, [
      { code: 'ni 062', period: 'FY2025-26', value: 11 },
      { code: 'pi-12', period: '2026-10', value: 88 },
    ]);
  });
});
