import { describe, expect, it } from 'vitest';
import { toCsv } from '../src/statistics/csv.ts';
import { gapFigures } from '../src/statistics/gaps.ts';
import { overlapFigures, publishOverlap } from '../src/statistics/overlap.ts';
import { publishRows, suppressRow } from '../src/statistics/programmes.ts';
import { centralizedSupport, gapCounts, reliefHours, reliefTimeliness } from '../src/statistics/targets.ts';
import { reliefPeriod } from '../src/statistics/views.ts';

const aggregate = (programme: string, regionCode: string, beneficiaries: number, households = beneficiaries, amountFen = '100') => ({ programme, regionCode, beneficiaries, households, amountFen });

describe('assistanceStatistics rows', () => {
  it('withholds every figure of a row under 5 beneficiaries, and households under 5 alone', () => {
    expect(suppressRow(aggregate('X', '654002', 4, 4, '1000'))).toEqual({ beneficiaries: null, households: null, amountFen: null });
    expect(suppressRow(aggregate('X', '654002', 9, 3, '1000'))).toEqual({ beneficiaries: 9, households: null, amountFen: '1000' });
    expect(suppressRow(aggregate('X', '654002', 5, 5, '1000'))).toEqual({ beneficiaries: 5, households: 5, amountFen: '1000' });
  });

  it('orders rows by the catalogue and names the programme in Chinese', () => {
    const rows = publishRows(
      new Map([
        ['LABOUR', [aggregate('PUBLIC_WELFARE_JOB', '654002', 7)]],
        ['CIVIL_AFFAIRS', [aggregate('MINIMUM_LIVING_URBAN', '654003', 6), aggregate('MINIMUM_LIVING_URBAN', '654002', 8)]],
      ] as const),
    );
    expect(rows.map((r) => [r.programme, r.regionCode, r.department])).toEqual([
      ['MINIMUM_LIVING_URBAN', '654002', 'CIVIL_AFFAIRS'],
      ['MINIMUM_LIVING_URBAN', '654003', 'CIVIL_AFFAIRS'],
      ['PUBLIC_WELFARE_JOB', '654002', 'LABOUR'],
    ]);
    expect(rows[0]!.programmeNameZh).toBe('城市居民最低生活保障');
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

  it('withholds small pairs with their complements, and protects the distribution against its total', () => {
    // 60 households with 低保 only, 20 with 低保 and rental subsidy, 3 with rental subsidy only.
    const urban = new Set<string>();
    const rental = new Set<string>();
    for (let i = 0; i < 80; i++) urban.add(`h${i}`);
    for (let i = 60; i < 83; i++) rental.add(`h${i}`);
    const published = publishOverlap(overlapFigures(new Map([['MINIMUM_LIVING_URBAN', urban], ['RENTAL_SUBSIDY', rental]])));
    expect(published.pairs).toEqual([
      { programme: 'MINIMUM_LIVING_URBAN', otherProgramme: 'MINIMUM_LIVING_URBAN', households: 80 },
      { programme: 'MINIMUM_LIVING_URBAN', otherProgramme: 'RENTAL_SUBSIDY', households: 20 },
      { programme: 'RENTAL_SUBSIDY', otherProgramme: 'RENTAL_SUBSIDY', households: 23 },
    ]);
    // Distribution 63 / 20 / 0 / 0 / 0, total 83: the zeros are withheld, but with the total they
    // add up to 0 and give themselves away, so the 20 is withheld too.
    expect(published.distribution.map((b) => b.households)).toEqual([63, null, null, null, null]);
    expect(published.households).toBe(83);
    // Only the 4-programme bucket is small: with the total it would be exposed, so the next
    // smallest bucket (6) is withheld with it.
    const protectedLine = publishOverlap({ programmes: [], households: 86, pairs: [], distribution: [50, 20, 6, 3, 7] });
    expect(protectedLine.distribution.map((b) => b.households)).toEqual([50, 20, null, null, 7]);
    expect(protectedLine.households).toBe(86);
    // A small total withholds everything.
    const tiny = publishOverlap({ programmes: [], households: 4, pairs: [], distribution: [4, 0, 0, 0, 0] });
    expect([...tiny.distribution.map((b) => b.households), tiny.households]).toEqual([null, null, null, null, null, null]);
  });

  it('withholds a pair and the next smallest cell of its rows', () => {
    const published = publishOverlap({
      programmes: ['A', 'B', 'C'],
      households: 100,
      pairs: [
        [50, 3, 20],
        [3, 30, 10],
        [20, 10, 40],
      ],
      distribution: [60, 30, 10, 0, 0],
    });
    const cells = Object.fromEntries(published.pairs.map((p) => [`${p.programme}${p.otherProgramme}`, p.households]));
    expect(cells).toEqual({ AA: 50, AB: null, AC: null, BB: 30, BC: null, CC: 40 });
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
    const c = centralizedSupport(rows, '6540');
    expect(c.goal).toBe(0.5);
    expect(c.counties).toEqual([
      { regionCode: '654002', centralized: 49, dispersed: 51, total: 100, rate: 0.49, met: false },
      { regionCode: '654003', centralized: 51, dispersed: 49, total: 100, rate: 0.51, met: true },
    ]);
    expect(c.region).toEqual({ regionCode: '6540', centralized: 100, dispersed: 100, total: 200, rate: 0.5, met: true });
  });

  it('meets the goal at exactly 50%', () => {
    const c = centralizedSupport([aggregate('EXTREME_POVERTY_CENTRALIZED', '654002', 10), aggregate('EXTREME_POVERTY_DISPERSED', '654002', 10)], '654002');
    expect(c.counties[0]).toMatchObject({ rate: 0.5, met: true });
  });

  it('publishes no rate when a count is withheld, nor a total that would give it away', () => {
    const c = centralizedSupport([...rows, aggregate('EXTREME_POVERTY_CENTRALIZED', '654021', 3), aggregate('EXTREME_POVERTY_DISPERSED', '654021', 40)], '6540');
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
    const t = reliefTimeliness(cases, '6540');
    expect(t.counties).toEqual([{ regionCode: '654002', cases: 20, within24Hours: 9, late: 6, unrecorded: 5, shareWithin24Hours: 0.6 }]);
    expect(t.region).toEqual({ regionCode: '6540', cases: 20, within24Hours: 9, late: 6, unrecorded: 5, shareWithin24Hours: 0.6 });
    expect(t.lateCases.map((c) => [c.awardId, c.hours])).toEqual([['l5', 30], ['l4', 29], ['l3', 28], ['l2', 27], ['l1', 26], ['l0', 25]]);
  });

  it('withholds a small late count with its row’s total and publishes no share', () => {
    const cases = [...Array.from({ length: 30 }, (_, i) => relief(`w${i}`, '654002', 23)), relief('late', '654002', 25), ...Array.from({ length: 6 }, (_, i) => relief(`u${i}`, '654002', null))];
    const t = reliefTimeliness(cases, '654002');
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
    const g = gapCounts(f, '6540');
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

describe('department figures asked at once', () => {
  it('share one department query while it is in flight, and ask again afterwards', async () => {
    const { aggregates } = await import('../src/statistics/sources.ts');
    const asked: Record<string, unknown>[] = [];
    const answers: ((rows: unknown) => void)[] = [];
    const graph = {
      request: (_query: string, variables: Record<string, unknown>) => {
        asked.push(variables);
        return new Promise((resolve) => answers.push(resolve));
      },
    };
    const ctx = { graph } as never;
    const caller = { sub: 'a', role: 'COORDINATOR' as const };
    const first = aggregates(ctx, caller, 'LABOUR', '6540', '2025-01-01');
    const second = aggregates(ctx, { sub: 'b', role: 'ANALYST' as const }, 'LABOUR', '6540', '2025-01-01');
    const otherDate = aggregates(ctx, caller, 'LABOUR', '6540', '2025-02-01');
    expect(asked).toEqual([
      { r: '6540', d: '2025-01-01' },
      { r: '6540', d: '2025-02-01' },
    ]);
    const rows = [aggregate('PUBLIC_WELFARE_JOB', '654002', 7)];
    answers.splice(0).forEach((answer) => answer({ rows }));
    // Both callers of the same figures get the one answer.
    expect(await first).toEqual(rows);
    expect(await second).toBe(await first);
    await otherDate;
    // Once answered, the next request asks the department again (no stale figures kept).
    const later = aggregates(ctx, caller, 'LABOUR', '6540', '2025-01-01');
    expect(asked).toHaveLength(3);
    answers.splice(0).forEach((answer) => answer({ rows }));
    await later;
  });
});
