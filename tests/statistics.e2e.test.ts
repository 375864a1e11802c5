import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Caller } from '@saf/auth';
import { loadFile } from '@saf/loader';
import { writeNdjson } from './support/files.ts';
import { DATE, statisticsFixture, type Award, type Certificate, type Household, type Person } from './support/statisticsFixture.ts';
import { startSystem, type System } from './support/system.ts';

const ANALYST: Caller = { sub: 'analyst-1', role: 'ANALYST' };
const records = statisticsFixture();
const households = records.filter((r): r is Household => r.type === 'household');
const persons = records.filter((r): r is Person => r.type === 'person');
const awards = records.filter((r): r is Award => r.type === 'award');
const certificates = records.filter((r): r is Certificate => r.type === 'disabilityCertificate');
const householdById = new Map(households.map((h) => [h.id, h]));
const personById = new Map(persons.map((p) => [p.id, p]));

// The truth, computed here from the records, independently of the code under test.

/** SPEC section 7: ACTIVE or ENDED, the date within the period; ONCE without an end pays on its start. */
function paying(a: Award, date = DATE): boolean {
  if (a.status !== 'ACTIVE' && a.status !== 'ENDED') return false;
  const end = a.endDate ?? (a.frequency === 'ONCE' ? a.startDate : null);
  return a.startDate <= date && (end === null || end >= date);
}

function trueStatistics(prefix: string) {
  const cells = new Map<string, { persons: Set<string>; households: Set<string>; amount: bigint }>();
  for (const a of awards) {
    if (!a.regionCode.startsWith(prefix) || !paying(a)) continue;
    const key = `${a.programme} ${a.regionCode.slice(0, 6)}`;
    const cell = cells.get(key) ?? { persons: new Set(), households: new Set(), amount: 0n };
    cell.persons.add(a.personId);
    if (a.householdId) cell.households.add(a.householdId);
    cell.amount += BigInt(a.amountFen);
    cells.set(key, cell);
  }
  return new Map(
    [...cells].map(([key, c]) => {
      const b = c.persons.size;
      const h = c.households.size;
      return [key, b < 5 ? { beneficiaries: null, households: null, amountFen: null } : { beneficiaries: b, households: h < 5 ? null : h, amountFen: c.amount.toString() }];
    }),
  );
}

function age(birthDate: string, date = DATE): number {
  return Number(date.slice(0, 4)) - Number(birthDate.slice(0, 4)) - (date.slice(5) < birthDate.slice(5) ? 1 : 0);
}

const validCertificate = (c: Certificate, date = DATE) => c.issuedDate <= date && (c.validUntil === null || c.validUntil >= date);
const receives = (personId: string, programme: string) => awards.some((a) => a.personId === personId && a.programme === programme && paying(a));
const householdOf = (personId: string) => householdById.get(personById.get(personId)!.householdId)!;

function trueGaps(prefix: string): Record<string, Map<string, { persons: Set<string>; households: Set<string> }>> {
  const lowIncome = new Set<string>();
  for (const a of awards) {
    if (!a.programme.startsWith('MINIMUM_LIVING_') || !paying(a)) continue;
    if (a.householdId) lowIncome.add(a.householdId);
    lowIncome.add(householdOf(a.personId).id);
  }
  const living = persons.filter((p) => householdById.get(p.householdId)!.regionCode.startsWith(prefix));
  const severe = living.filter((p) => certificates.some((c) => c.personId === p.id && c.grade <= 2 && validCertificate(c)) && !receives(p.id, 'SEVERE_DISABILITY_NURSING_SUBSIDY'));
  const children = living.filter(
    (p) =>
      age(p.birthDate) >= 6 &&
      age(p.birthDate) <= 15 &&
      (lowIncome.has(p.householdId) || receives(p.id, 'EXTREME_POVERTY_CENTRALIZED') || receives(p.id, 'EXTREME_POVERTY_DISPERSED')) &&
      !receives(p.id, 'TWO_EXEMPTIONS_ONE_SUBSIDY'),
  );
  const disabled = living.filter((p) => lowIncome.has(p.householdId) && certificates.some((c) => c.personId === p.id && validCertificate(c)) && !receives(p.id, 'DISABILITY_LIVING_SUBSIDY'));
  const byCounty = (list: Person[]) => {
    const m = new Map<string, { persons: Set<string>; households: Set<string> }>();
    for (const p of list) {
      const county = householdById.get(p.householdId)!.regionCode.slice(0, 6);
      const c = m.get(county) ?? { persons: new Set(), households: new Set() };
      c.persons.add(p.id);
      c.households.add(p.householdId);
      m.set(county, c);
    }
    return m;
  };
  return {
    SEVERE_DISABILITY_WITHOUT_NURSING_SUBSIDY: byCounty(severe),
    SCHOOL_AGE_CHILD_WITHOUT_TWO_EXEMPTIONS: byCounty(children),
    MINIMUM_LIVING_DISABLED_WITHOUT_LIVING_SUBSIDY: byCounty(disabled),
  };
}

function trueOverlap(prefix: string) {
  const byProgramme = new Map<string, Set<string>>();
  for (const a of awards) {
    if (!a.regionCode.startsWith(prefix) || !paying(a)) continue;
    const h = a.householdId ?? householdOf(a.personId).id;
    byProgramme.set(a.programme, (byProgramme.get(a.programme) ?? new Set()).add(h));
  }
  const programmesOf = new Map<string, Set<string>>();
  for (const [p, hs] of byProgramme) for (const h of hs) programmesOf.set(h, (programmesOf.get(h) ?? new Set()).add(p));
  const pair = (p: string, q: string) => [...(byProgramme.get(p) ?? [])].filter((h) => byProgramme.get(q)?.has(h)).length;
  const distribution = [1, 2, 3, 4, 5].map((k) => [...programmesOf.values()].filter((ps) => (k === 5 ? ps.size >= 5 : ps.size === k)).length);
  return { programmes: [...byProgramme.keys()], pair, distribution, households: programmesOf.size };
}

/** No line has exactly one withheld cell. */
function protectedLine(values: (number | null)[]): boolean {
  return values.filter((v) => v === null).length !== 1;
}

const STATS = `query ($r: String!, $d: String) { assistanceStatistics(regionCode: $r, date: $d) { programme programmeNameZh department regionCode beneficiaries households amountFen } }`;
const GAPS = `query ($r: String!, $d: String) { assistanceTargets(regionCode: $r, date: $d) { coverageGaps { kind description region { regionCode persons households householdIds } counties { regionCode persons households householdIds } } } }`;

describe('the leading group’s statistics through the graph', () => {
  let system: System;

  beforeAll(async () => {
    system = await startSystem();
    const result = await loadFile(await writeNdjson(records), system.loadOptions);
    expect(result).toMatchObject({ ok: true });
  });
  afterAll(() => system?.stop());

  it('gives every department’s figures per programme and county, as the records say, small cells withheld', async () => {
    for (const prefix of ['6540', '654002', '654002001']) {
      const res = await system.query(STATS, { r: prefix, d: DATE }, { caller: ANALYST });
      expect(res.errors).toBeUndefined();
      const rows = res.data!.assistanceStatistics as { programme: string; regionCode: string; beneficiaries: number | null; households: number | null; amountFen: string | null; department: string }[];
      const truth = trueStatistics(prefix);
      expect(rows.map((r) => `${r.programme} ${r.regionCode}`).sort()).toEqual([...truth.keys()].sort());
      for (const r of rows) expect({ beneficiaries: r.beneficiaries, households: r.households, amountFen: r.amountFen }).toEqual(truth.get(`${r.programme} ${r.regionCode}`));
      for (const r of rows) for (const v of [r.beneficiaries, r.households]) expect(v === null || v >= 5).toBe(true);
      if (prefix === '6540') {
        // The data set has published and withheld cells, from several departments.
        expect(rows.filter((r) => r.beneficiaries !== null).length).toBeGreaterThan(5);
        expect(rows.filter((r) => r.beneficiaries === null).length).toBeGreaterThan(5);
        expect(new Set(rows.map((r) => r.department)).size).toBeGreaterThanOrEqual(6);
      }
    }
  });

  it('counts an award ending on the date and not one that ended the day before', async () => {
    const res = await system.query(STATS, { r: '654024', d: DATE });
    expect(res.data!.assistanceStatistics).toEqual([
      { programme: 'RURAL_HOUSING_RENOVATION', programmeNameZh: expect.any(String), department: 'HOUSING', regionCode: '654024', beneficiaries: 5, households: 5, amountFen: '250000' },
    ]);
    // The day after, the five have ended and the sixth has started: one is under 5.
    const after = await system.query(STATS, { r: '654024', d: '2024-07-01' });
    expect(after.data!.assistanceStatistics).toEqual([expect.objectContaining({ beneficiaries: null, households: null, amountFen: null })]);
  });

  it('shows where programmes overlap, with small cells and their complements withheld', async () => {
    const res = await system.query(`query ($r: String!, $d: String) { programmeOverlap(regionCode: $r, date: $d) { programmes households missingDepartments pairs { programme otherProgramme households } distribution { programmes orMore households } } }`, { r: '6540', d: DATE }, { caller: ANALYST });
    expect(res.errors).toBeUndefined();
    const o = res.data!.programmeOverlap;
    const truth = trueOverlap('6540');
    expect(o.missingDepartments).toEqual([]);
    expect([...o.programmes].sort()).toEqual([...truth.programmes].sort());
    expect(o.pairs).toHaveLength((o.programmes.length * (o.programmes.length + 1)) / 2);
    const cell = new Map<string, number | null>();
    for (const p of o.pairs as { programme: string; otherProgramme: string; households: number | null }[]) {
      const exact = truth.pair(p.programme, p.otherProgramme);
      if (p.households !== null) expect(p.households).toBe(exact);
      if (exact < 5) expect(p.households).toBeNull();
      cell.set(`${p.programme} ${p.otherProgramme}`, p.households).set(`${p.otherProgramme} ${p.programme}`, p.households);
    }
    // Complementary suppression: no row of the matrix has exactly one withheld cell…
    for (const p of o.programmes) expect(protectedLine(o.programmes.map((q: string) => cell.get(`${p} ${q}`)!))).toBe(true);
    const buckets = o.distribution.map((b: { households: number | null }) => b.households);
    buckets.forEach((v: number | null, i: number) => v !== null && expect(v).toBe(truth.distribution[i]));
    truth.distribution.forEach((v, i) => v < 5 && expect(buckets[i]).toBeNull());
    expect(o.households).toBe(truth.households);
    expect(protectedLine([...buckets, o.households])).toBe(true);
  });

  it('withholds the complements of a small overlap, not only the small cell', async () => {
    const res = await system.query(`{ programmeOverlap(regionCode: "654030", date: "${DATE}") { programmes households pairs { programme otherProgramme households } distribution { programmes households } } }`, {}, { caller: ANALYST });
    expect(res.errors).toBeUndefined();
    const o = res.data!.programmeOverlap;
    expect(o.programmes).toEqual(['MINIMUM_LIVING_URBAN', 'MEDICAL_ASSISTANCE_OUTPATIENT', 'RENTAL_SUBSIDY']);
    expect(o.pairs).toEqual([
      { programme: 'MINIMUM_LIVING_URBAN', otherProgramme: 'MINIMUM_LIVING_URBAN', households: 31 },
      { programme: 'MINIMUM_LIVING_URBAN', otherProgramme: 'MEDICAL_ASSISTANCE_OUTPATIENT', households: null },
      { programme: 'MINIMUM_LIVING_URBAN', otherProgramme: 'RENTAL_SUBSIDY', households: null },
      { programme: 'MEDICAL_ASSISTANCE_OUTPATIENT', otherProgramme: 'MEDICAL_ASSISTANCE_OUTPATIENT', households: 10 },
      { programme: 'MEDICAL_ASSISTANCE_OUTPATIENT', otherProgramme: 'RENTAL_SUBSIDY', households: null },
      { programme: 'RENTAL_SUBSIDY', otherProgramme: 'RENTAL_SUBSIDY', households: 15 },
    ]);
    expect(o.households).toBe(38);
    // 20 with one programme, 18 with two, none with more: the zeros and the 18 are withheld (the
    // zeros alone would add up to 0 against the total).
    expect(o.distribution.map((b: { households: number | null }) => b.households)).toEqual([20, null, null, null, null]);
  });

  it('measures 集中供养率 against the 50% goal: 49% misses it, 51% meets it', async () => {
    const q = `query ($r: String!) { assistanceTargets(regionCode: $r, date: "${DATE}") { centralizedSupport { goal counties { regionCode centralized dispersed total rate met } region { regionCode centralized dispersed total rate met } } } }`;
    const missed = await system.query(q, { r: '654025' }, { caller: ANALYST });
    expect(missed.data!.assistanceTargets.centralizedSupport).toMatchObject({ goal: 0.5, counties: [{ regionCode: '654025', centralized: 49, dispersed: 51, total: 100, rate: 0.49, met: false }] });
    const met = await system.query(q, { r: '654026' }, { caller: ANALYST });
    expect(met.data!.assistanceTargets.centralizedSupport.counties).toEqual([{ regionCode: '654026', centralized: 51, dispersed: 49, total: 100, rate: 0.51, met: true }]);
    // Across the prefecture: the counts are the records', and no total gives a withheld count away.
    const all = await system.query(q, { r: '6540' }, { caller: ANALYST });
    const c = all.data!.assistanceTargets.centralizedSupport;
    const stats = trueStatistics('6540');
    const persons = (programme: string, county: string) => new Set(awards.filter((a) => a.programme === programme && paying(a) && a.regionCode.startsWith(county)).map((a) => a.personId)).size;
    for (const row of c.counties) {
      if (row.centralized !== null) expect(row.centralized).toBe(persons('EXTREME_POVERTY_CENTRALIZED', row.regionCode));
      if (row.dispersed !== null) expect(row.dispersed).toBe(persons('EXTREME_POVERTY_DISPERSED', row.regionCode));
      if (row.centralized === null || row.dispersed === null) expect([row.total, row.rate, row.met]).toEqual([null, null, null]);
      // The same counts as assistanceStatistics publishes, withheld where it withholds them.
      expect(row.dispersed).toBe(stats.get(`EXTREME_POVERTY_DISPERSED ${row.regionCode}`)?.beneficiaries ?? null);
    }
    // Where the region's count is shown, the withheld counties' counts add up to 5 or more.
    const exact = (county: string) => {
      const centralized = persons('EXTREME_POVERTY_CENTRALIZED', county);
      const dispersed = persons('EXTREME_POVERTY_DISPERSED', county);
      return { centralized, dispersed, total: centralized + dispersed };
    };
    for (const column of ['centralized', 'dispersed', 'total'] as const) {
      const withheld = c.counties.filter((r: Record<string, unknown>) => r[column] === null);
      if (c.region[column] === null || !withheld.length) continue;
      expect(withheld.length).toBeGreaterThan(1);
      expect(withheld.reduce((sum: number, r: { regionCode: string }) => sum + exact(r.regionCode)[column], 0)).toBeGreaterThanOrEqual(5);
    }
  });

  it('measures disaster relief within 24 hours: 23 hours in time, 25 late, late cases for the coordination office only', async () => {
    const q = `query ($r: String!) { assistanceTargets(regionCode: $r, date: "${DATE}") { disasterRelief { from to targetHours counties { regionCode cases within24Hours late unrecorded shareWithin24Hours } lateCases { awardId householdId hours } } } }`;
    const inTime = await system.query(q, { r: '654027' });
    // Six in time, none late or unrecorded: the zeros are withheld, and so is the total that
    // would show they are zeros.
    expect(inTime.data!.assistanceTargets.disasterRelief).toMatchObject({ from: '2024-01-01', to: DATE, targetHours: 24, counties: [{ regionCode: '654027', cases: null, within24Hours: 6, late: null, unrecorded: null }], lateCases: [] });
    const late = await system.query(q, { r: '654028' });
    expect(late.data!.assistanceTargets.disasterRelief.counties).toEqual([{ regionCode: '654028', cases: null, within24Hours: null, late: 6, unrecorded: null, shareWithin24Hours: null }]);
    expect(late.data!.assistanceTargets.disasterRelief.lateCases).toHaveLength(6);
    expect(late.data!.assistanceTargets.disasterRelief.lateCases[0]).toMatchObject({ hours: 25, householdId: expect.stringMatching(/^HS/) });
    const mixed = await system.query(q, { r: '654029' }, { caller: ANALYST });
    expect(mixed.errors).toBeUndefined();
    expect(mixed.data!.assistanceTargets.disasterRelief.counties).toEqual([{ regionCode: '654029', cases: 15, within24Hours: 5, late: 5, unrecorded: 5, shareWithin24Hours: 0.5 }]);
    expect(mixed.data!.assistanceTargets.disasterRelief.lateCases).toBeNull();
  });

  it('finds the coverage gaps the records hold, with household lists for the coordination office and counts only for analysts', async () => {
    const coordinator = await system.query(GAPS, { r: '654023', d: DATE });
    expect(coordinator.errors).toBeUndefined();
    const gaps = coordinator.data!.assistanceTargets.coverageGaps as { kind: string; region: { persons: number | null; households: number | null; householdIds: string[] | null } }[];
    const truth = trueGaps('654023');
    expect(gaps.map((g) => [g.kind, g.region.persons, g.region.households])).toEqual([
      ['SEVERE_DISABILITY_WITHOUT_NURSING_SUBSIDY', 6, 6],
      ['SCHOOL_AGE_CHILD_WITHOUT_TWO_EXEMPTIONS', 6, 6],
      ['MINIMUM_LIVING_DISABLED_WITHOUT_LIVING_SUBSIDY', 5, 5],
    ]);
    for (const g of gaps) expect(g.region.householdIds).toEqual([...truth[g.kind]!.get('654023')!.households].sort());

    const analyst = await system.query(GAPS, { r: '654023', d: DATE }, { caller: ANALYST });
    expect(analyst.errors).toBeUndefined();
    for (const g of analyst.data!.assistanceTargets.coverageGaps) {
      expect(g.region.householdIds).toBeNull();
      for (const c of g.counties) expect(c.householdIds).toBeNull();
    }
    expect(JSON.stringify(analyst.data)).not.toMatch(/HS\d{5}|\d{17}[\dX]/);
  });

  it('counts gaps across the region as the records say', async () => {
    const res = await system.query(GAPS, { r: '6540', d: DATE });
    expect(res.errors).toBeUndefined();
    const truth = trueGaps('6540');
    for (const g of res.data!.assistanceTargets.coverageGaps as { kind: string; region: { persons: number | null }; counties: { regionCode: string; persons: number | null; households: number | null; householdIds: string[] }[] }[]) {
      const exact = truth[g.kind]!;
      expect(g.counties.map((c) => c.regionCode).sort()).toEqual([...exact.keys()].sort());
      for (const c of g.counties) {
        const e = exact.get(c.regionCode)!;
        if (c.persons !== null) expect(c.persons).toBe(e.persons.size);
        if (c.households !== null) expect(c.households).toBe(e.households.size);
        if (e.persons.size < 5) expect(c.persons).toBeNull();
        if (e.households.size < 5) expect(c.households).toBeNull();
        expect(c.householdIds).toEqual([...e.households].sort());
      }
      expect(protectedLine([...g.counties.map((c) => c.persons), g.region.persons])).toBe(true);
    }
  });

  it('keeps household lists to the caseworker’s own jurisdiction', async () => {
    const own = await system.query(GAPS, { r: '654023', d: DATE }, { caller: { sub: 'cw-1', role: 'CASEWORKER', region: '654023' } });
    expect(own.errors).toBeUndefined();
    expect(own.data!.assistanceTargets.coverageGaps[0].region.householdIds).toHaveLength(6);
    const other = await system.query(GAPS, { r: '654023', d: DATE }, { caller: { sub: 'cw-2', role: 'CASEWORKER', region: '654002' } });
    expect(other.errors![0]!.extensions!.code).toBe('FORBIDDEN');
    expect(JSON.stringify(other)).not.toMatch(/HS\d{5}/);
  });

  it('keeps the departments’ raw figures and recipient lists from analysts', async () => {
    for (const q of [`{ labourStatistics(regionCode: "6540") { beneficiaries } }`, `{ _internalCivilAffairsRecipients(regionCode: "6540") { personId } }`, `{ _internalCertificateHolders }`]) {
      const res = await system.query(q, {}, { caller: ANALYST });
      expect(res.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      expect(JSON.stringify(res)).not.toMatch(/\d{17}[\dX]/);
    }
  });

  it('exports a statistic as CSV with a byte order mark, holding exactly what the field holds', async () => {
    const res = await system.query(`query ($r: String!, $d: String) { csv: statisticsCsv(statistic: ASSISTANCE_STATISTICS, regionCode: $r, date: $d) rows: assistanceStatistics(regionCode: $r, date: $d) { programme programmeNameZh department regionCode beneficiaries households amountFen } }`, { r: '6540', d: DATE }, { caller: ANALYST });
    expect(res.errors).toBeUndefined();
    const csv = res.data!.csv as string;
    expect(csv.charCodeAt(0)).toBe(0xfeff);
    const [header, ...lines] = csv.slice(1).trimEnd().split('\r\n');
    expect(header).toBe('programme,programmeNameZh,department,regionCode,beneficiaries,households,amountFen');
    expect(lines).toEqual(res.data!.rows.map((r: Record<string, unknown>) => Object.values(r).map((v) => (v === null ? '' : String(v))).join(',')));
    for (const statistic of ['PROGRAMME_OVERLAP', 'PROGRAMME_COUNT_DISTRIBUTION', 'CENTRALIZED_SUPPORT', 'DISASTER_RELIEF', 'COVERAGE_GAPS']) {
      const other = await system.query(`query ($s: StatisticKind!) { statisticsCsv(statistic: $s, regionCode: "6540", date: "${DATE}") }`, { s: statistic }, { caller: ANALYST });
      expect(other.errors).toBeUndefined();
      expect(other.data!.statisticsCsv.startsWith('\uFEFF')).toBe(true);
      expect(other.data!.statisticsCsv).not.toMatch(/HS\d{5}|\d{17}[\dX]/);
      // No count between 0 and 4 in any count column.
      const [head, ...body] = other.data!.statisticsCsv.slice(1).trimEnd().split('\r\n') as string[];
      const counts = head!.split(',').flatMap((name, i) => (['households', 'persons', 'cases', 'within24Hours', 'late', 'unrecorded', 'centralized', 'dispersed', 'total'].includes(name) ? [i] : []));
      expect(counts.length).toBeGreaterThan(0);
      for (const line of body) for (const i of counts) expect(line.split(',')[i]).toMatch(/^$|^total$|^([5-9]|\d{2,})$/);
    }
  });

  it('answers with what the other departments have when one is down, naming the missing one', async () => {
    const labour = system.subgraphs.get('labour')!;
    await labour.stop();
    try {
      const res = await system.query(STATS, { r: '6540', d: DATE });
      const rows = res.data!.assistanceStatistics as ({ department: string } | null)[];
      expect(rows.filter((r) => r !== null).length).toBeGreaterThan(5);
      expect(rows.filter((r) => r === null)).toHaveLength(1);
      expect(rows.some((r) => r?.department === 'LABOUR')).toBe(false);
      expect(res.errors).toHaveLength(1);
      expect(res.errors![0]!.message).toMatch(/labour/);
      expect(res.errors![0]!.extensions).toMatchObject({ code: 'SUBGRAPH_UNAVAILABLE', departments: ['LABOUR'] });

      const overlap = await system.query(`{ programmeOverlap(regionCode: "6540", date: "${DATE}") { missingDepartments households distribution { households } pairs { households } } }`);
      expect(overlap.data!.programmeOverlap).toMatchObject({ missingDepartments: ['LABOUR'], households: null, distribution: null });
      expect(overlap.data!.programmeOverlap.pairs.length).toBeGreaterThan(0);
      expect(overlap.errors![0]!.extensions!.code).toBe('SUBGRAPH_UNAVAILABLE');

      const csv = await system.query(`{ statisticsCsv(statistic: ASSISTANCE_STATISTICS, regionCode: "6540", date: "${DATE}") }`);
      expect(csv.data).toBeNull();
      expect(csv.errors![0]!.message).toMatch(/labour/);
    } finally {
      await labour.restart();
    }
  });
});
