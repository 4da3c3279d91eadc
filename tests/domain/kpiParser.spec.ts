import assert from 'node:assert/strict';
import path from 'node:path';
import { readTable } from '../../domain/import/readTable';
import { parseKpis, parseKpiValues, parseNumber, parsePeriod } from '../../domain/import/kpiParser';
import { heldRoleKeys } from '../../domain/ownership';

const KPIS = path.resolve(__dirname, '../fixtures/kpis/kpis.csv');
const VALUES = path.resolve(__dirname, '../fixtures/kpis/kpi-values.csv');

describe('kpiParser: fixtures', () => {
  it('reads all 17 KPI definitions with no problems', async () => {
    const { kpis, problems, rowsRead } = parseKpis(await readTable(KPIS));
    assert.deepEqual(problems, []);
    assert.equal(rowsRead, 17);
    assert.equal(kpis.length, 17);
    assert.deepEqual(kpis[0], {
      code: 'c162',
      name: 'Agency social workers in post',
      unit: 'count',
      polarity: 'lower',
      target: 8,
      tolerance: 1,
      frequency: 'monthly',
      source: 'Southend 2021 plan: 13 agency staff at the Sept 2020 baseline, aim to cut by 35%',
    });
    const cfc = kpis.find((k) => k.code === 'cfc10k');
    assert.deepEqual(cfc, {
      code: 'cfc10k',
      name: 'Cared for children rate per 10000',
      unit: 'rate per 10000',
      polarity: 'lower',
      target: 97,
      tolerance: 5,
      frequency: 'monthly',
      statNeighbours: 49,
      england: 67,
      source: 'Sefton dashboard Sept 2022 gave 112.20; Commissioner report 114 against England 67',
    });
    assert.equal(kpis.find((k) => k.code === 'icpc')?.frequency, 'weekly');
    assert.equal(kpis.find((k) => k.code === 'a10')?.frequency, 'quarterly');
    assert.deepEqual(
      kpis.filter((k) => k.polarity === 'higher').map((k) => k.code),
      ['c155', 'c056', 'c036', 'c043', 'icpc', 'cleet', 'cltouch', 'visits', 'supcomp'],
    );
  });

  it('reads all 188 values, monthly and quarterly, with no problems', async () => {
    const { kpis } = parseKpis(await readTable(KPIS));
    const { values, problems, rowsRead } = parseKpiValues(await readTable(VALUES), { known: kpis });
    assert.deepEqual(problems, []);
    assert.equal(rowsRead, 188);
    assert.equal(values.length, 188);
    assert.deepEqual(values[0], { code: 'c162', period: '2021-10', value: 8 });
    assert.deepEqual(values.filter((v) => v.code === 'a2'), [
      { code: 'a2', period: '2021-Q4', value: 192.3 },
      { code: 'a2', period: '2022-Q1', value: 188.2 },
      { code: 'a2', period: '2022-Q2', value: 186.3 },
      { code: 'a2', period: '2022-Q3', value: 182 },
    ]);
    assert.deepEqual(values.filter((v) => v.code === 'c155').at(-1), { code: 'c155', period: '2022-09', value: 78 });
    assert.equal(new Set(values.map((v) => v.code)).size, 17);
  });
});

describe('kpiParser: bad input', () => {
  it('reports bad numbers, unknown polarity, duplicates and odd frequencies', () => {
    const rows = [
      ['Code', 'Indicator', 'Unit', 'Polarity', 'Target', 'Tolerance', 'Frequency', 'Statistical neighbours', 'England', 'Source'],
      ['X1', 'Good one', '%', 'Higher is better', '85%', '5', 'Monthly', '1,234', '', ''],
      ['x2', 'Bad polarity', '%', 'up-ish', '85', '5', 'monthly', '', '', ''],
      ['x3', 'Bad target', '%', 'lower', 'eighty', '5', 'monthly', '', '', ''],
      ['x1', 'Duplicate', '%', 'lower', '5', '1', 'monthly', '', '', ''],
      ['x4', 'No tolerance', 'days', 'lower', '20', '', 'fortnightly', 'n/a', '', ''],
      ['', '', '', '', '', '', '', '', '', ''],
      ['', 'No code', '%', 'lower', '1', '1', 'monthly', '', '', ''],
    ];
    const { kpis, problems, rowsRead } = parseKpis(rows);
    assert.equal(rowsRead, 6);
    assert.deepEqual(kpis.map((k) => k.code), ['x1', 'x4']);
    assert.deepEqual(kpis[0], { code: 'x1', name: 'Good one', unit: '%', polarity: 'higher', target: 85, tolerance: 5, frequency: 'monthly', statNeighbours: 1234 });
    assert.equal(kpis[1].tolerance, 0);
    assert.equal(kpis[1].frequency, 'fortnightly');
    assert.deepEqual(
      problems.map((p) => [p.row, p.column, p.value, p.outcome]),
      [
        [3, 'Polarity', 'up-ish', 'skipped'],
        [4, 'Target', 'eighty', 'skipped'],
        [5, 'Code', 'x1', 'skipped'],
        [6, 'Tolerance', '', 'left blank'],
        [6, 'Frequency', 'fortnightly', 'kept as text'],
        [6, 'Statistical neighbours', 'n/a', 'left blank'],
        [8, 'Code', '', 'skipped'],
      ],
    );
    assert.equal(problems[0].message, 'KPI x2: polarity must say whether higher or lower is better; the row was not imported.');
    assert.equal(problems[2].message, 'KPI x1 is already defined at row 2; this row was not imported.');
  });

  it('reports bad periods, values, unknown codes and repeated periods', () => {
    const rows = [
      ['Code', 'Period', 'Value'],
      ['c162', '2021-13', '8'],
      ['c162', '2021-Q5', '8'],
      ['c162', 'Oct 2021', '8'],
      ['c162', '2021-10', '9'],
      ['c162', '2021-11', 'n/a'],
      ['zzz', '2021-11', '1'],
      ['c162', '31/02/2022', '1'],
      ['icpc', '05/09/2022', '100'],
    ];
    const { values, problems } = parseKpiValues(rows, {
      known: [
        { code: 'c162', name: '', unit: '', polarity: 'lower', target: 8, tolerance: 1, frequency: 'monthly' },
        { code: 'icpc', name: '', unit: '', polarity: 'higher', target: 95, tolerance: 5, frequency: 'weekly' },
      ],
    });
    assert.deepEqual(values, [
      { code: 'c162', period: '2021-10', value: 8 },
      { code: 'icpc', period: '2022-09-05', value: 100 },
    ]);
    assert.deepEqual(
      problems.map((p) => [p.row, p.column, p.value, p.message]),
      [
        [2, 'Period', '2021-13', 'month 13 does not exist; the value was not imported.'],
        [3, 'Period', '2021-Q5', 'a quarter is Q1 to Q4; the value was not imported.'],
        [5, 'Period', '2021-10', 'KPI c162 already has a value for 2021-10 at row 4; this one was not imported.'],
        [6, 'Value', 'n/a', 'KPI c162 2021-11: the value is not a number; it was not imported.'],
        [7, 'Code', 'zzz', 'No KPI zzz is defined; the value was not imported.'],
        [8, 'Period', '31/02/2022', '31/02/2022 is not a real date; the value was not imported.'],
      ],
    );
  });

  it('reads numbers and periods strictly', () => {
    assert.equal(parseNumber('85%'), 85);
    assert.equal(parseNumber('1,234.5'), 1234.5);
    assert.equal(parseNumber('-3'), -3);
    assert.equal(parseNumber('12,34'), undefined);
    assert.equal(parseNumber('1O0'), undefined);
    assert.deepEqual(parsePeriod('2022-q3'), { ok: true, period: '2022-Q3' });
    assert.deepEqual(parsePeriod('September 2022'), { ok: true, period: '2022-09' });
    assert.deepEqual(parsePeriod('Sept 2022'), { ok: true, period: '2022-09' });
    assert.deepEqual(parsePeriod('Septembre 2022'), { ok: false, reason: '"Septembre 2022" is not a period (yyyy-mm, yyyy-Qn, yyyy-mm-dd, a term such as Autumn 2026/27, or a year such as 2026 or 2026/27)' });
  });
});

describe('kpiParser: weekly, termly and annual KPIs', () => {
  const header = ['Code', 'Indicator', 'Unit', 'Polarity', 'Target', 'Tolerance', 'Frequency'];
  const defs = parseKpis([
    header,
    ['att1', 'Pupils attending at least 90% of sessions', '%', 'higher', '92', '2', 'Termly'],
    ['fin1', 'Spend within the placements budget', '%', 'higher', '100', '3', 'Financial year'],
    ['ay1', 'Care leavers starting a college course', 'count', 'higher', '40', '5', 'Academic year'],
    ['cal1', 'Foster carers approved in the year', 'count', 'higher', '25', '4', 'Annually'],
    ['wk1', 'Visits completed within the week', 'count', 'higher', '30', '4', 'Weekly'],
  ]);

  it('keeps the frequency, saying which year an annual KPI counts in', () => {
    assert.deepEqual(defs.problems, []);
    assert.deepEqual(
      defs.kpis.map((k) => [k.code, k.frequency]),
      [['att1', 'termly'], ['fin1', 'annually (financial year)'], ['ay1', 'annually (academic year)'], ['cal1', 'annually'], ['wk1', 'weekly']],
    );
  });

  it('reads terms, years and weeks as spreadsheets write them', () => {
    const { values, problems } = parseKpiValues(
      [
        ['Code', 'Period', 'Value'],
        ['att1', 'Autumn 2025/26', '91.2'],
        ['att1', 'Spring term 2026', '90.4'],
        ['att1', '2025-T3', '92.5'],
        ['fin1', '2025/26', '98.7'],
        ['fin1', 'FY 2024-25', '101.2'],
        ['ay1', '2025/26', '38'],
        ['cal1', '2025', '27'],
        ['wk1', 'w/c 02/11/2026', '31'],
        ['wk1', 'w/c 03/11/2026', '29'],
        ['att1', 'Autumn 2025/27', '90'],
      ],
      { known: defs.kpis },
    );
    assert.deepEqual(values, [
      { code: 'att1', period: '2025-T1', value: 91.2 },
      { code: 'att1', period: '2025-T2', value: 90.4 },
      { code: 'att1', period: '2025-T3', value: 92.5 },
      { code: 'fin1', period: 'FY2025-26', value: 98.7 },
      { code: 'fin1', period: 'FY2024-25', value: 101.2 },
      { code: 'ay1', period: 'AY2025-26', value: 38 },
      { code: 'cal1', period: '2025', value: 27 },
      { code: 'wk1', period: '2026-11-02', value: 31 },
    ]);
    assert.deepEqual(
      problems.map((p) => [p.row, p.message]),
      [
        [10, '03/11/2026 is not a Monday; a week commencing is a Monday; the value was not imported.'],
        [11, '"Autumn 2025/27" is not an academic year; the value was not imported.'],
      ],
    );
  });
});

describe('kpiParser: owner roles checked against the directory', () => {
  const rows = [
    ['Code', 'Indicator', 'Polarity', 'Target', 'Tolerance', 'Frequency', 'Owner'],
    ['k1', 'Audits returned on time', 'higher', '90', '5', 'monthly', 'hos  (rb)'],
    ['k2', 'Visits within ten days', 'higher', '95', '5', 'monthly', 'Head of Lighthouses'],
    ['k3', 'Complaints answered late', 'lower', '4', '1', 'monthly', ''],
  ];

  it('reports an owner role nobody holds with row, column and value, and keeps the KPI and its role', () => {
    const { kpis, problems } = parseKpis(rows, { heldRoles: heldRoleKeys([{ role: 'HoS (RB)' }, { role: 'DCS' }]) });
    assert.deepEqual(kpis.map((k) => [k.code, k.ownerRole]), [['k1', 'hos  (rb)'], ['k2', 'Head of Lighthouses'], ['k3', undefined]]);
    assert.deepEqual(problems.map((p) => [p.row, p.column, p.value, p.outcome]), [[3, 'Owner', 'Head of Lighthouses', 'kept as text']]);
    assert.match(problems[0].message, /^KPI k2: nobody holds this role in the directory/);
    assert.match(problems[0].message, /kept/);
  });

  it('without a directory to check against, says nothing about owners', () => {
    assert.deepEqual(parseKpis(rows).problems, []);
  });
});
