import { describe, expect, it } from 'vitest';
import { toCsv } from '../src/statistics/csv.ts';
import { gapFigures } from '../src/statistics/gaps.ts';
import { exactOverlap, overlapFigures, publishedOverlap, sumOverlap } from '../src/statistics/overlap.ts';
import { publishRows, suppressRow } from '../src/statistics/programmes.ts';
import { centralizedSupport, gapCounts, reliefHours, reliefTimeliness, type TargetQuery } from '../src/statistics/targets.ts';
import { reliefPeriod } from '../src/statistics/views.ts';

const published = (prefix: string): TargetQuery => ({ prefix, universe: prefix.slice(0, 2), disclosure: 'PUBLISHED' });
const exact = (prefix: string): TargetQuery => ({ prefix, universe: prefix, disclosure: 'EXACT' });

const aggregate = (programme: string, regionCode: string, beneficiaries: number, households = beneficiaries, amountFen = '100') => ({ programme, regionCode, beneficiaries, households, amountFen });

describe('assistanceStatistics rows', () => {
  it('withholds every figure of a row under 5 beneficiaries, and households under 5 alone', () => {
    expect(suppressRow(aggregate('X', '654002', 4, 4, '1000'))).toEqual({ beneficiaries: null, households: null, amountFen: null });
    expect(suppressRow(aggregate('X', '654002', 9, 3, '1000'))).toEqual({ beneficiaries: 9, households: null, amountFen: '1000' });
    expect(suppressRow(aggregate('X', '654002', 5, 5, '1000'))).toEqual({ beneficiaries: 5, households: 5, amountFen: '1000' });
  });

  it('orders rows by the catalogue and names the programme in Chinese', () => {
    const asOf = '2025-01-01T00:00:00.000Z';
    const rows = publishRows(
      new Map([
        ['LABOUR', { rows: [aggregate('PUBLIC_WELFARE_JOB', '654002', 7)], asOf }],
        ['CIVIL_AFFAIRS', { rows: [aggregate('MINIMUM_LIVING_URBAN', '654003', 6), aggregate('MINIMUM_LIVING_URBAN', '654002', 8, 3)], asOf }],
      ] as const),
      'PUBLISHED',
      '2024-12-31',
    );
    expect(rows.map((r) => [r.programme, r.regionCode, r.department])).toEqual([
      ['MINIMUM_LIVING_URBAN', '654002', 'CIVIL_AFFAIRS'],
      ['MINIMUM_LIVING_URBAN', '654003', 'CIVIL_AFFAIRS'],
      ['PUBLIC_WELFARE_JOB', '654002', 'LABOUR'],
    ]);
    expect(rows[0]!.programmeNameZh).toBe('城市居民最低生活保障');
    expect(rows[0]).toMatchObject({ beneficiaries: 8, households: null, date: '2024-12-31', asOf });
  });

  it('gives exact figures to those who see them', () => {
    const rows = publishRows(new Map([['LABOUR', { rows: [aggregate('PUBLIC_WELFARE_JOB', '654002', 2, 1, '300')], asOf: 'now' }]] as const), 'EXACT', '2024-12-07');
    expect(rows[0]).toMatchObject({ beneficiaries: 2, households: 1, amountFen: '300' });
  });
});

describe('programme overlap', () => {
  it('counts households per pair and by number of programmes', () => {
    const f = overlapFigures(
      new Map([
        ['RENTAL_SUBSIDY', new Set(['h1', 'h2'])],
        ['MINIMUM_LIVING_URBAN', new Set(['h1', 'h2', 'h3'])],
        ['LEGAL_AID', new Set(['h1'])],
        ['SCHOLARSHIP', new Set<string>()],
      ]),
    );
    expect(f.programmes).toEqual(['MINIMUM_LIVING_URBAN', 'RENTAL_SUBSIDY', 'LEGAL_AID']);
    expect(f.pairs).toEqual([
      [3, 2, 1],
      [2, 2, 1],
      [1, 1, 1],
    ]);
    expect(f.households).toBe(3);
    expect(f.distribution).toEqual([1, 1, 1, 0, 0]);
  });

  it('puts 5 or more programmes in the last bucket', () => {
    const programmes = ['MINIMUM_LIVING_URBAN', 'RENTAL_SUBSIDY', 'LEGAL_AID', 'SCHOLARSHIP', 'STUDENT_GRANT', 'TRAINING_SUBSIDY'];
    const f = overlapFigures(new Map(programmes.map((p) => [p, new Set(['h1'])])));
    expect(f.distribution).toEqual([0, 0, 0, 0, 1]);
  });

  it('adds counties up into a region, exactly', () => {
    const a = overlapFigures(new Map([['MINIMUM_LIVING_URBAN', new Set(['h1', 'h2'])], ['RENTAL_SUBSIDY', new Set(['h1'])]]));
    const b = overlapFigures(new Map([['RENTAL_SUBSIDY', new Set(['k1'])], ['LEGAL_AID', new Set(['k1', 'k2'])]]));
    const sum = sumOverlap([a, b]);
    expect(sum.programmes).toEqual(['MINIMUM_LIVING_URBAN', 'RENTAL_SUBSIDY', 'LEGAL_AID']);
    expect(sum.pairs).toEqual([
      [2, 1, 0],
      [1, 2, 1],
      [0, 1, 2],
    ]);
    expect([sum.households, sum.distribution]).toEqual([4, [2, 2, 0, 0, 0]]);
    expect(exactOverlap(sum).pairs.find((p) => p.programme === 'MINIMUM_LIVING_URBAN' && p.otherProgramme === 'LEGAL_AID')!.households).toBe(0);
  });

  it('publishes the pairs of two programmes with their region totals, and nothing that adds up with them', () => {
    const county = (lowRent: number, both: number) => {
      const urban = new Set<string>();
      const rental = new Set<string>();
      for (let i = 0; i < 20; i++) urban.add(`h${i}`);
      for (let i = 20 - both; i < 20 - both + lowRent; i++) rental.add(`h${i}`);
      return overlapFigures(new Map([['MINIMUM_LIVING_URBAN', urban], ['RENTAL_SUBSIDY', rental]]));
    };
    // 654002: 8 households with both; 654003: 3; 654101: 9.
    const universe = new Map([['654002', county(10, 8)], ['654003', county(5, 3)], ['654101', county(12, 9)]]);
    const pair = (prefix: string) => publishedOverlap(universe, prefix).pairs.find((p) => p.programme !== p.otherProgramme)!.households;
    expect([pair('654002'), pair('654003'), pair('654101')]).toEqual([8, null, 9]);
    // 6540's 11 minus 654002's 8 would be 654003's 3; 65's 20 minus 6541's 9 would be 6540's 11.
    expect([pair('6540'), pair('6541'), pair('65')]).toEqual([null, 9, null]);
    const o = publishedOverlap(universe, '6540');
    expect(o.households).toBeNull();
    expect(o.distribution.map((b) => b.households)).toEqual([null, null, null, null, null]);
    expect(o.pairs.filter((p) => p.programme === p.otherProgramme).map((p) => p.households)).toEqual([null, null]);
  });
});

describe('centralized support rate (集中供养率)', () => {
  const rows = [
    aggregate('EXTREME_POVERTY_CENTRALIZED', '654002', 49),
    aggregate('EXTREME_POVERTY_DISPERSED', '654002', 51),
    aggregate('EXTREME_POVERTY_CENTRALIZED', '654003', 51),
    aggregate('EXTREME_POVERTY_DISPERSED', '654003', 49),
    aggregate('MINIMUM_LIVING_URBAN', '654003', 400),
  ];

  it('misses the goal at 49% and meets it at 51%', () => {
    const c = centralizedSupport(rows, published('6540'));
    expect(c.goal).toBe(0.5);
    expect(c.counties).toEqual([
      { regionCode: '654002', centralized: 49, dispersed: 51, total: 100, rate: 0.49, met: false },
      { regionCode: '654003', centralized: 51, dispersed: 49, total: 100, rate: 0.51, met: true },
    ]);
    expect(c.region).toEqual({ regionCode: '6540', centralized: 100, dispersed: 100, total: 200, rate: 0.5, met: true });
  });

  it('meets the goal at exactly 50%', () => {
    const c = centralizedSupport([aggregate('EXTREME_POVERTY_CENTRALIZED', '654002', 10), aggregate('EXTREME_POVERTY_DISPERSED', '654002', 10)], published('654002'));
    expect(c.counties[0]).toMatchObject({ rate: 0.5, met: true });
  });

  it('publishes no rate when a count is withheld, nor a total that would give it away', () => {
    const c = centralizedSupport([...rows, aggregate('EXTREME_POVERTY_CENTRALIZED', '654021', 3), aggregate('EXTREME_POVERTY_DISPERSED', '654021', 40)], published('6540'));
    const yining = c.counties.find((r) => r.regionCode === '654021')!;
    // 3 is withheld; the county's total (43) and the region's centralized count and total go with
    // it. The dispersed 40 stays: assistanceStatistics publishes it anyway, so withholding it
    // instead of the total would have let 43 − 40 give the 3 away.
    expect(yining).toEqual({ regionCode: '654021', centralized: null, dispersed: 40, total: null, rate: null, met: null });
    expect(c.region).toEqual({ regionCode: '6540', centralized: null, dispersed: 140, total: null, rate: null, met: null });
    for (const col of ['centralized', 'dispersed', 'total'] as const) {
      expect([...c.counties, c.region].filter((r) => r[col] === null).length).not.toBe(1);
    }
  });

  it('gives exact counts, small ones included, to those who see exact figures', () => {
    const c = centralizedSupport([...rows, aggregate('EXTREME_POVERTY_CENTRALIZED', '654021', 3), aggregate('EXTREME_POVERTY_DISPERSED', '654021', 40)], exact('6540'));
    expect(c.counties.find((r) => r.regionCode === '654021')).toEqual({ regionCode: '654021', centralized: 3, dispersed: 40, total: 43, rate: 3 / 43, met: false });
    expect(c.region).toEqual({ regionCode: '6540', centralized: 103, dispersed: 140, total: 243, rate: 103 / 243, met: false });
    // A county's part asked through a township prefix (its own universe).
    const township = centralizedSupport([aggregate('EXTREME_POVERTY_CENTRALIZED', '654021', 2)], exact('654021001'));
    expect(township.region).toMatchObject({ regionCode: '654021001', centralized: 2, dispersed: 0, total: 2 });
  });
});

describe('disaster relief timeliness', () => {
  const relief = (awardId: string, regionCode: string, hours: number | null) => ({
    awardId,
    householdId: `H-${awardId}`,
    regionCode,
    occurredAt: '2024-05-01T08:00:00+08:00',
    reliefAt: hours === null ? null : new Date(Date.parse('2024-05-01T00:00:00Z') + hours * 3_600_000).toISOString(),
  });

  it('counts 23 hours as in time, 24 exactly as in time, and 25 as late', () => {
    expect(reliefHours(relief('a', '654002', 23))).toBe(23);
    expect(reliefHours({ occurredAt: '2024-05-01T08:00:00+08:00', reliefAt: '2024-05-02T08:00:00+08:00' })).toBe(24);
    expect(reliefHours({ occurredAt: '2024-05-01T08:00:00+08:00', reliefAt: '2024-05-02T01:00:00Z' })).toBe(25);
    expect(reliefHours({ occurredAt: '2024-05-02T08:00:00+08:00', reliefAt: '2024-05-01T08:00:00+08:00' })).toBeNull();
    expect(reliefHours({ occurredAt: null, reliefAt: '2024-05-01T08:00:00+08:00' })).toBeNull();
  });

  it('counts per county, shares the cases in time, and lists the late ones slowest first', () => {
    const cases = [
      ...Array.from({ length: 9 }, (_, i) => relief(`w${i}`, '654002001', 23)),
      ...Array.from({ length: 6 }, (_, i) => relief(`l${i}`, '654002', 25 + i)),
      ...Array.from({ length: 5 }, (_, i) => relief(`u${i}`, '654002', null)),
    ];
    const t = reliefTimeliness(cases, published('6540'));
    expect(t.counties).toEqual([{ regionCode: '654002', cases: 20, within24Hours: 9, late: 6, unrecorded: 5, shareWithin24Hours: 0.6 }]);
    expect(t.region).toEqual({ regionCode: '6540', cases: 20, within24Hours: 9, late: 6, unrecorded: 5, shareWithin24Hours: 0.6 });
    expect(t.lateCases.map((c) => [c.awardId, c.hours])).toEqual([['l5', 30], ['l4', 29], ['l3', 28], ['l2', 27], ['l1', 26], ['l0', 25]]);
  });

  it('withholds a small late count with its row’s total and publishes no share', () => {
    const cases = [...Array.from({ length: 30 }, (_, i) => relief(`w${i}`, '654002', 23)), relief('late', '654002', 25), ...Array.from({ length: 6 }, (_, i) => relief(`u${i}`, '654002', null))];
    const t = reliefTimeliness(cases, published('654002'));
    // The late 1 is withheld, and with it the total of its row (cases) rather than a part.
    expect(t.counties[0]).toEqual({ regionCode: '654002', cases: null, within24Hours: 30, late: null, unrecorded: 6, shareWithin24Hours: null });
    expect(t.region).toEqual({ regionCode: '654002', cases: null, within24Hours: 30, late: null, unrecorded: 6, shareWithin24Hours: null });
  });

  it('counts disasters from 1 January of the date’s year by default', () => {
    expect(reliefPeriod('2024-09-01')).toEqual({ from: '2024-01-01', to: '2024-09-01' });
    expect(reliefPeriod('2024-09-01', '2023-06-01', '2023-12-31')).toEqual({ from: '2023-06-01', to: '2023-12-31' });
    expect(() => reliefPeriod('2024-09-01', '2024-13-01')).toThrow(/from/);
  });
});

describe('coverage gaps', () => {
  it('counts persons and households outside the covered set per county of the household, suppressed by column', () => {
    const place = (personId: string, householdId: string, regionCode: string) => ({ personId, householdId, regionCode });
    const candidates = [
      ...Array.from({ length: 12 }, (_, i) => place(`p${i}`, `h${Math.floor(i / 2)}`, '654002001')),
      ...Array.from({ length: 3 }, (_, i) => place(`q${i}`, `k${i}`, '654003')),
      place('covered', 'hc', '654003'),
    ];
    const f = gapFigures(candidates, new Set(['covered']));
    const g = gapCounts(f, published('6540'));
    // 654003's 3 and 3 are withheld; the region's 15 and 9 would then give them away through
    // 654002's 12 and 6, so the region's totals are withheld too (654002's counts are what a
    // query for 654002 alone publishes).
    expect(g.counties.map((c) => [c.regionCode, c.persons, c.households])).toEqual([
      ['654002', 12, 6],
      ['654003', null, null],
    ]);
    expect([g.region.persons, g.region.households]).toEqual([null, null]);
    expect(g.counties[1]!.householdIds).toEqual(['k0', 'k1', 'k2']);
  });
});

describe('CSV export', () => {
  it('starts with a byte order mark, uses CRLF, leaves withheld figures empty and quotes what needs it', () => {
    const csv = toCsv(['a', 'b', 'c'], [[1, null, '两免一补'], ['x,y', 'say "hi"', '=1+1']]);
    expect(csv.charCodeAt(0)).toBe(0xfeff);
    expect(csv).toBe('\uFEFFa,b,c\r\n1,,两免一补\r\n"x,y","say ""hi""",\'=1+1\r\n');
  });
});

describe('recipient lists asked in parts', () => {
  it('asks a whole province at once when it is small, and prefectures or counties when it is not', async () => {
    const { recipientBatches } = await import('../src/statistics/figures.ts');
    const sizes = new Map([['654002', 9000], ['654003', 9000], ['654101', 30000], ['654102', 100]]);
    expect(recipientBatches(sizes, '65', 100_000)).toEqual(['65']);
    expect(recipientBatches(sizes, '65', 20_000)).toEqual(['6540', '654101', '654102']);
    expect(recipientBatches(new Map([['654002', 0]]), '65', 20_000)).toEqual([]);
  });
});

describe('coverage gap totals', () => {
  it('withhold a region total over five counties of one person each (a listed county has at least one)', () => {
    const place = (personId: string, regionCode: string) => ({ personId, householdId: `h-${personId}`, regionCode });
    const f = gapFigures(['654002', '654003', '654004', '654005', '654006'].map((county, i) => place(`p${i}`, county)), new Set());
    expect(gapCounts(f, published('6540')).region.persons).toBeNull();
    const two = gapFigures([place('a', '654002'), place('b', '654002'), place('c', '654003'), place('d', '654003'), place('e', '654003'), place('f', '654004')], new Set());
    // 2 + 3 + 1 = 6 over three counties, each 1 to 4: none pinned.
    expect(gapCounts(two, published('6540')).region.persons).toBe(6);
  });
});
