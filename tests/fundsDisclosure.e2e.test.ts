import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Caller } from '@saf/auth';
import { makeResidentId } from '@saf/identity';
import { loadFile } from '@saf/loader';
import { writeNdjson } from './support/files.ts';
import { COORDINATOR, startSystem, type System } from './support/system.ts';

// The funds figures (fundsStatistics, fundsWithoutAward; SPEC sections 6 and 11) against an
// insider: a caseworker asking about another county, the region as a variable, the prefix asked
// at three levels, and published answers combined to work out a withheld small cell.
//
// April 2025, 低保 (civil affairs) at 500 元 a month: 伊宁市 (654002) pays 4 persons in township
// 654002001 and 2 in 654002002 (6 in the county: published), one of the first also a failed try;
// 伊宁县 (654021) pays 3 (withheld). Labour pays 5 residents of 伊宁市 and 1 of 伊宁县 naming no
// award of its own, 300 元 each.

const PERIOD = '2025-04';
const CW_YINING: Caller = { sub: 'cw-654002', role: 'CASEWORKER', region: '654002' };
const CW_TOWNSHIP: Caller = { sub: 'cw-654002001', role: 'CASEWORKER', region: '654002001' };
const ANALYST: Caller = { sub: 'an-1', role: 'ANALYST' };

let seq = 0;
function resident(regionCode: string) {
  seq += 1;
  const birthDate = `1975-${String((seq % 12) + 1).padStart(2, '0')}-0${(seq % 9) + 1}`;
  const id = makeResidentId('654002', birthDate, 2 * seq + 1);
  const householdId = `H${regionCode.slice(0, 6)}0080${String(seq).padStart(2, '0')}`;
  return {
    id,
    householdId,
    regionCode,
    records: [
      { type: 'household', id: householdId, regionCode, hukou: 'URBAN', address: '伊犁州 团结路 8 号' },
      { type: 'person', id, name: '哈力克', gender: 'MALE', birthDate, householdId, relation: 'HEAD', deathDate: null },
    ] as object[],
  };
}
type Resident = ReturnType<typeof resident>;
const account = (r: Resident) => `62284800000000${r.id.slice(-5).replace('X', '9')}`;
function minimumLiving(r: Resident, extra: object[] = []) {
  const awardId = `CA-FD-${r.householdId}`;
  return [
    ...r.records,
    { type: 'award', id: awardId, department: 'CIVIL_AFFAIRS', programme: 'MINIMUM_LIVING_URBAN', personId: r.id, householdId: r.householdId, regionCode: r.regionCode, amountFen: 50_000, frequency: 'MONTHLY', startDate: '2025-01-01', endDate: null, status: 'ACTIVE', details: {} },
    { type: 'payment', id: `MZ-FD-${r.householdId}`, department: 'CIVIL_AFFAIRS', awardId, personId: r.id, period: PERIOD, amountFen: 50_000, accountNumber: account(r), paidDate: '2025-04-10', status: 'PAID' },
    ...extra,
  ];
}
const withoutAward = (r: Resident) => [
  ...r.records,
  { type: 'payment', id: `RS-FD-${r.householdId}`, department: 'LABOUR', awardId: 'RS-FD-NONE', personId: r.id, period: PERIOD, amountFen: 30_000, accountNumber: account(r), paidDate: '2025-04-12', status: 'PAID' },
];

const townshipOne = Array.from({ length: 4 }, () => resident('654002001'));
const townshipTwo = Array.from({ length: 2 }, () => resident('654002002'));
const yiningCounty = Array.from({ length: 3 }, () => resident('654021'));
const labourYining = Array.from({ length: 5 }, () => resident('654002003'));
const labourCounty = [resident('654021')];
const failedTry = { type: 'payment', id: 'MZ-FD-FAILED', department: 'CIVIL_AFFAIRS', awardId: `CA-FD-${townshipOne[0]!.householdId}`, personId: townshipOne[0]!.id, period: PERIOD, amountFen: 50_000, accountNumber: account(townshipOne[0]!), paidDate: null, status: 'FAILED' };
const RECORDS = [
  ...townshipOne.flatMap((r, i) => minimumLiving(r, i === 0 ? [failedTry] : [])),
  ...townshipTwo.flatMap((r) => minimumLiving(r)),
  ...yiningCounty.flatMap((r) => minimumLiving(r)),
  ...[...labourYining, ...labourCounty].flatMap(withoutAward),
];

const FIELDS = {
  fundsStatistics: 'department programme regionCode period paidFen failedFen recipients',
  fundsWithoutAward: 'department regionCode period paidFen failedFen recipients',
} as const;
type Field = keyof typeof FIELDS;
const asVariables = (field: Field) => `query Funds($r: String!, $p: String!) { rows: ${field}(regionCode: $r, period: $p) { ${FIELDS[field]} } }`;
const asLiterals = (field: Field, region: string, period: string) => `{ rows: ${field}(regionCode: ${JSON.stringify(region)}, period: ${JSON.stringify(period)}) { ${FIELDS[field]} } }`;

describe('funds figures against an insider', () => {
  let system: System;

  beforeAll(async () => {
    system = await startSystem();
    expect(await loadFile(await writeNdjson(RECORDS), system.loadOptions)).toMatchObject({ ok: true });
  });
  afterAll(() => system?.stop());

  /** Both ways of asking: the region and period as variables and written in the query; they must agree. */
  async function ask(caller: Caller, field: Field, region: string, period = PERIOD) {
    const [byVariables, byLiterals] = await Promise.all([system.query(asVariables(field), { r: region, p: period }, { caller }), system.query(asLiterals(field, region, period), {}, { caller })]);
    // The same data and the same errors (their locations in the two texts aside).
    const plain = (res: typeof byVariables) => ({ data: res.data ?? null, errors: res.errors?.map((e: { message: string; extensions?: object }) => ({ message: e.message, extensions: e.extensions })) ?? null });
    expect(plain(byLiterals), `${caller.sub} ${field} ${region}: literal and variable answers differ`).toEqual(plain(byVariables));
    return byVariables;
  }

  it('refuses a caseworker another county’s figures, a larger area, or a sibling township, naming the jurisdiction, as a variable or written in the query', async () => {
    const refusals: [Caller, string][] = [
      [CW_YINING, '654021'],
      [CW_YINING, '6540'],
      [CW_YINING, '65'],
      [CW_YINING, '654021001'],
      [CW_TOWNSHIP, '654002'],
      [CW_TOWNSHIP, '654002002'],
    ];
    for (const [caller, region] of refusals) {
      for (const field of ['fundsStatistics', 'fundsWithoutAward'] as const) {
        const res = await ask(caller, field, region);
        expect(res.errors?.[0], `${caller.sub} ${field} ${region}`).toMatchObject({ extensions: { code: 'FORBIDDEN' }, message: `region ${region} is outside your jurisdiction ${caller.region}` });
        expect(res.data?.rows ?? null).toBeNull();
        // Nothing of the county's figures in the refusal.
        expect(JSON.stringify(res)).not.toMatch(/150000|90000|30000/);
      }
      const csv = await system.query(`query ($r: String!, $p: String!) { fundsStatisticsCsv(regionCode: $r, period: $p) }`, { r: region, p: PERIOD }, { caller });
      expect(csv.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    }
    // Not a prefix of digits: refused as input, not treated as a pattern.
    for (const region of ['6540%', '65400_', '654002 ', ' 654002', '６５４００２']) {
      const res = await system.query(asVariables('fundsStatistics'), { r: region, p: PERIOD }, { caller: CW_YINING });
      expect(res.errors?.[0]?.extensions, JSON.stringify(region)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'regionCode' });
    }
  });

  it('gives a caseworker exact figures within their jurisdiction only: the county, or the township alone', async () => {
    const county = await ask(CW_YINING, 'fundsStatistics', '654002');
    expect(county.errors).toBeUndefined();
    expect(county.data!.rows).toEqual([{ department: 'CIVIL_AFFAIRS', programme: 'MINIMUM_LIVING_URBAN', regionCode: '654002', period: PERIOD, paidFen: '300000', failedFen: '50000', recipients: 6 }]);
    const noAward = await ask(CW_YINING, 'fundsWithoutAward', '654002');
    expect(noAward.data!.rows).toEqual([{ department: 'LABOUR', regionCode: '654002', period: PERIOD, paidFen: '150000', failedFen: '0', recipients: 5 }]);
    // The township's caseworker: its own four, exact, not the county's six.
    const township = await ask(CW_TOWNSHIP, 'fundsStatistics', '654002001');
    expect(township.data!.rows).toEqual([{ department: 'CIVIL_AFFAIRS', programme: 'MINIMUM_LIVING_URBAN', regionCode: '654002', period: PERIOD, paidFen: '200000', failedFen: '50000', recipients: 4 }]);
    expect((await ask(CW_TOWNSHIP, 'fundsWithoutAward', '654002001')).data!.rows).toEqual([]);
  });

  it('gives an analyst the same rows whichever prefix is asked (65, 6540, 654002), each county’s small rows withheld and no total to subtract them from', async () => {
    const published = { department: 'CIVIL_AFFAIRS', programme: 'MINIMUM_LIVING_URBAN', regionCode: '654002', period: PERIOD, paidFen: '300000', failedFen: null, recipients: 6 };
    const publishedNoAward = { department: 'LABOUR', regionCode: '654002', period: PERIOD, paidFen: '150000', failedFen: null, recipients: 5 };
    for (const region of ['65', '6540', '654002']) {
      const programmes = await ask(ANALYST, 'fundsStatistics', region);
      expect(programmes.errors, region).toBeUndefined();
      // 伊宁县's three 低保 recipients are withheld; 伊宁市's failed try of one person is null (a standard
      // 500 元 would tell it was one); the coordination office sees both below.
      expect(programmes.data!.rows, region).toEqual([published]);
      const noAward = await ask(ANALYST, 'fundsWithoutAward', region);
      expect(noAward.data!.rows, region).toEqual([publishedNoAward]);
    }
    // The county 伊宁县 asked alone: nothing (a withheld row and no row look alike).
    for (const field of ['fundsStatistics', 'fundsWithoutAward'] as const) expect((await ask(ANALYST, field, '654021')).data!.rows).toEqual([]);
    // A larger area's answer is exactly the union of its counties' (no margin): 6540 = 654002 + 654021.
    const prefecture = (await ask(ANALYST, 'fundsStatistics', '6540')).data!.rows;
    const counties = [...(await ask(ANALYST, 'fundsStatistics', '654002')).data!.rows, ...(await ask(ANALYST, 'fundsStatistics', '654021')).data!.rows];
    expect(prefecture).toEqual(counties);
    // The year: April's rows as the month gives them, no yearly total.
    const year = await ask(ANALYST, 'fundsStatistics', '6540', '2025');
    expect(year.data!.rows).toEqual([published]);
    // The CSV: the same rows, the withheld amount an empty cell, nothing else.
    const csv = await system.query(`query ($r: String!, $p: String!) { fundsStatisticsCsv(regionCode: $r, period: $p) }`, { r: '65', p: PERIOD }, { caller: ANALYST });
    expect(csv.errors).toBeUndefined();
    expect((csv.data!.fundsStatisticsCsv as string).split('\r\n').filter(Boolean)).toEqual([
      '\uFEFFdepartment,programme,programmeNameZh,regionCode,period,paidFen,failedFen,recipients',
      'CIVIL_AFFAIRS,MINIMUM_LIVING_URBAN,城市居民最低生活保障,654002,2025-04,300000,,6',
      'LABOUR,NO_AWARD,无对应救助记录的发放,654002,2025-04,150000,,5',
    ]);
    // No township to take from its county (4 = 6 − 2 is the subtraction this refuses).
    for (const field of ['fundsStatistics', 'fundsWithoutAward'] as const) {
      for (const region of ['654002001', '654002002', '654002001001']) {
        const res = await ask(ANALYST, field, region);
        expect(res.errors?.[0]?.extensions, `${field} ${region}`).toMatchObject({ code: 'BAD_USER_INPUT', field: 'regionCode' });
        expect(res.data?.rows ?? null).toBeNull();
      }
    }
    // Nor the department's raw figures.
    const raw = await system.query(`{ civilAffairsFundsStatistics(regionCode: "654021", period: "2025-04") { recipients } }`, {}, { caller: ANALYST });
    expect(raw.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('gives the coordination office the exact figures the analyst does not get', async () => {
    const rows = (await ask(COORDINATOR, 'fundsStatistics', '6540')).data!.rows;
    expect(rows).toEqual([
      { department: 'CIVIL_AFFAIRS', programme: 'MINIMUM_LIVING_URBAN', regionCode: '654002', period: PERIOD, paidFen: '300000', failedFen: '50000', recipients: 6 },
      { department: 'CIVIL_AFFAIRS', programme: 'MINIMUM_LIVING_URBAN', regionCode: '654021', period: PERIOD, paidFen: '150000', failedFen: '0', recipients: 3 },
    ]);
    expect((await ask(COORDINATOR, 'fundsWithoutAward', '6540')).data!.rows).toEqual([
      { department: 'LABOUR', regionCode: '654002', period: PERIOD, paidFen: '150000', failedFen: '0', recipients: 5 },
      { department: 'LABOUR', regionCode: '654021', period: PERIOD, paidFen: '30000', failedFen: '0', recipients: 1 },
    ]);
  });
});
