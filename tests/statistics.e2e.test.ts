import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Caller } from '@saf/auth';
import { loadFile } from '@saf/loader';
import { writeNdjson } from './support/files.ts';
import { DATE, statisticsFixture, statisticsTopUp, type Award, type Certificate, type Household, type Person } from './support/statisticsFixture.ts';
import { startSystem, type System } from './support/system.ts';

const ANALYST: Caller = { sub: 'analyst-1', role: 'ANALYST' };
const COORDINATOR: Caller = { sub: 'coordinator-1', role: 'COORDINATOR' };
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

/** Exact figures per programme and county of the awards under the prefix. */
function exactStatistics(prefix: string, date = DATE) {
  const cells = new Map<string, { persons: Set<string>; households: Set<string>; amount: bigint }>();
  for (const a of awards) {
    if (!a.regionCode.startsWith(prefix) || !paying(a, date)) continue;
    const key = `${a.programme} ${a.regionCode.slice(0, 6)}`;
    const cell = cells.get(key) ?? { persons: new Set(), households: new Set(), amount: 0n };
    cell.persons.add(a.personId);
    if (a.householdId) cell.households.add(a.householdId);
    cell.amount += BigInt(a.amountFen);
    cells.set(key, cell);
  }
  return new Map([...cells].map(([key, c]) => [key, { beneficiaries: c.persons.size, households: c.households.size, amountFen: c.amount.toString() }]));
}

/** The same, as published: under 5 beneficiaries everything withheld, under 5 households those. */
function trueStatistics(prefix: string) {
  return new Map(
    [...exactStatistics(prefix)].map(([key, { beneficiaries: b, households: h, amountFen }]) => [
      key,
      b < 5 ? { beneficiaries: null, households: null, amountFen: null } : { beneficiaries: b, households: h < 5 ? null : h, amountFen },
    ]),
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

/** Households per programme under the prefix (the award's household, else the person's registered one). */
function trueOverlap(prefix: string, date = DATE) {
  const byProgramme = new Map<string, Set<string>>();
  for (const a of awards) {
    if (!a.regionCode.startsWith(prefix) || !paying(a, date)) continue;
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

/** The last day of the month before today's (Beijing time), worked out here independently. */
function lastMonthEnd(): string {
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
  const d = new Date(`${today.slice(0, 8)}01T00:00:00Z`);
  d.setUTCDate(0);
  return d.toISOString().slice(0, 10);
}

/**
 * What a reader can work out from published counts: every published figure is a sum of county
 * cells (a county's own, a region total's, or a row total's over several counts), so each is a
 * linear equation over the withheld cells. Returns the withheld cells whose value is determined,
 * and the determined sums of withheld cells under 5 (by Gaussian elimination; the attacker of
 * issue 25, hole 6, generalised).
 */
function recoverable(cells: Map<string, number | null>, sums: { cells: string[]; value: number }[]): string[] {
  const unknown = [...cells].filter(([, v]) => v === null).map(([k]) => k);
  const index = new Map(unknown.map((k, i) => [k, i]));
  const equations = sums.map(({ cells: parts, value }) => {
    const row = unknown.map(() => 0);
    let rest = value;
    for (const part of parts) {
      const v = cells.get(part);
      if (v === undefined) continue; // a cell no answer names: zero
      if (v === null) row[index.get(part)!]! += 1;
      else rest -= v;
    }
    return { row, rest };
  });
  const found: string[] = [];
  for (const e of equations) {
    const members = e.row.filter((x) => x !== 0).length;
    if (members > 0 && e.rest < 5) found.push(`a sum of ${members} withheld cells is ${e.rest}: ${unknown.filter((_, i) => e.row[i]).join(', ')}`);
  }
  // Nested equations (a region and a part of it) give the rest of the region too.
  for (const a of equations)
    for (const b of equations) {
      if (a === b || !b.row.every((x, i) => x <= a.row[i]!)) continue;
      const members = a.row.filter((x, i) => x - b.row[i]! !== 0).length;
      if (members > 0 && a.rest - b.rest < 5) found.push(`a difference of sums is ${a.rest - b.rest} over ${members} withheld cells`);
    }
  const rank = (rows: number[][]) => {
    const m = rows.map((r) => [...r]);
    let r = 0;
    for (let c = 0; c < unknown.length && r < m.length; c++) {
      const pivot = m.findIndex((row, i) => i >= r && Math.abs(row[c]!) > 1e-9);
      if (pivot < 0) continue;
      [m[r], m[pivot]] = [m[pivot]!, m[r]!];
      for (let i = 0; i < m.length; i++) {
        if (i === r || Math.abs(m[i]![c]!) < 1e-9) continue;
        const f = m[i]![c]! / m[r]![c]!;
        m[i] = m[i]!.map((x, j) => x - f * m[r]![j]!);
      }
      r++;
    }
    return r;
  };
  const base = rank(equations.map((e) => e.row));
  unknown.forEach((k, i) => {
    if (rank([...equations.map((e) => e.row), unknown.map((_, j) => (j === i ? 1 : 0))]) === base) found.push(`${k} is determined`);
  });
  return found;
}

const STATS = `query ($r: String!, $d: String) { assistanceStatistics(regionCode: $r, date: $d) { programme programmeNameZh department regionCode beneficiaries households amountFen } }`;
const GAPS = `query ($r: String!, $d: String) { assistanceTargets(regionCode: $r, date: $d) { coverageGaps { kind description region { regionCode persons households householdIds } counties { regionCode persons households householdIds } } } }`;
const OVERLAP = `query ($r: String!, $d: String) { programmeOverlap(regionCode: $r, date: $d) { programmes households missingDepartments pairs { programme otherProgramme households } distribution { programmes orMore households } } }`;
const TARGETS = `query ($r: String!, $d: String) { assistanceTargets(regionCode: $r, date: $d) {
  centralizedSupport { region { regionCode centralized dispersed total } counties { regionCode centralized dispersed total } }
  disasterRelief { region { regionCode cases within24Hours late unrecorded } counties { regionCode cases within24Hours late unrecorded } }
  coverageGaps { kind region { regionCode persons households } counties { regionCode persons households } } } }`;

describe('the leading group’s statistics through the graph', () => {
  let system: System;

  beforeAll(async () => {
    system = await startSystem();
    const result = await loadFile(await writeNdjson(records), system.loadOptions);
    expect(result).toMatchObject({ ok: true });
  });
  afterAll(() => system?.stop());

  it('gives every department’s figures per programme and county, as the records say: small cells withheld for analysts, exact for the coordination office', async () => {
    for (const prefix of ['6540', '654002']) {
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
    for (const prefix of ['6540', '654002', '654002001']) {
      const res = await system.query(STATS, { r: prefix, d: DATE }, { caller: COORDINATOR });
      expect(res.errors).toBeUndefined();
      const rows = res.data!.assistanceStatistics as { programme: string; regionCode: string; beneficiaries: number; households: number; amountFen: string }[];
      const truth = exactStatistics(prefix);
      expect(rows.map((r) => `${r.programme} ${r.regionCode}`).sort()).toEqual([...truth.keys()].sort());
      for (const r of rows) expect({ beneficiaries: r.beneficiaries, households: r.households, amountFen: r.amountFen }).toEqual(truth.get(`${r.programme} ${r.regionCode}`));
      if (prefix === '6540') expect(rows.some((r) => r.beneficiaries > 0 && r.beneficiaries < 5)).toBe(true);
    }
  });

  it('counts an award ending on the date and not one that ended the day before', async () => {
    const res = await system.query(STATS, { r: '654024', d: DATE });
    expect(res.data!.assistanceStatistics).toEqual([
      { programme: 'RURAL_HOUSING_RENOVATION', programmeNameZh: expect.any(String), department: 'HOUSING', regionCode: '654024', beneficiaries: 5, households: 5, amountFen: '250000' },
    ]);
    // The day after, the five have ended and the sixth has started: the coordination office sees the one…
    const after = await system.query(STATS, { r: '654024', d: '2024-07-01' });
    expect(after.data!.assistanceStatistics).toEqual([expect.objectContaining({ beneficiaries: 1, households: 1, amountFen: '50000' })]);
    // …an analyst, at the month's end, a withheld cell.
    const published = await system.query(STATS, { r: '654024', d: '2024-07-31' }, { caller: ANALYST });
    expect(published.data!.assistanceStatistics).toEqual([expect.objectContaining({ beneficiaries: null, households: null, amountFen: null })]);
  });

  it('shows where programmes overlap: exact for the coordination office, the pairs with small cells withheld for analysts', async () => {
    const truth = trueOverlap('6540');
    const exact = await system.query(OVERLAP, { r: '6540', d: DATE });
    expect(exact.errors).toBeUndefined();
    const e = exact.data!.programmeOverlap;
    expect(e.missingDepartments).toEqual([]);
    expect([...e.programmes].sort()).toEqual([...truth.programmes].sort());
    expect(e.pairs).toHaveLength((e.programmes.length * (e.programmes.length + 1)) / 2);
    for (const p of e.pairs as { programme: string; otherProgramme: string; households: number }[]) expect(p.households).toBe(truth.pair(p.programme, p.otherProgramme));
    expect(e.distribution.map((b: { households: number }) => b.households)).toEqual(truth.distribution);
    expect(e.households).toBe(truth.households);

    const res = await system.query(OVERLAP, { r: '6540', d: DATE }, { caller: ANALYST });
    expect(res.errors).toBeUndefined();
    const o = res.data!.programmeOverlap;
    expect(o.programmes).toEqual(e.programmes);
    let shown = 0;
    for (const p of o.pairs as { programme: string; otherProgramme: string; households: number | null }[]) {
      const exactCount = truth.pair(p.programme, p.otherProgramme);
      if (p.programme === p.otherProgramme) expect(p.households).toBeNull();
      if (p.households !== null) expect(p.households).toBe(exactCount);
      if (exactCount < 5) expect(p.households).toBeNull();
      if (p.households !== null) shown++;
    }
    expect(shown).toBeGreaterThan(3);
    // The diagonal, the distribution and the total would add up with the pairs: not published.
    expect(o.households).toBeNull();
    expect(o.distribution.map((b: { households: number | null }) => b.households)).toEqual([null, null, null, null, null]);
  });

  it('withholds a small overlap from analysts and gives it to the coordination office', async () => {
    const analyst = await system.query(OVERLAP, { r: '654030', d: DATE }, { caller: ANALYST });
    expect(analyst.errors).toBeUndefined();
    const o = analyst.data!.programmeOverlap;
    expect(o.programmes).toEqual(['MINIMUM_LIVING_URBAN', 'MEDICAL_ASSISTANCE_OUTPATIENT', 'RENTAL_SUBSIDY']);
    // 低保 × outpatient is 3; the pairs add up to nothing published, so the 8 and the 7 stay.
    expect(o.pairs).toEqual([
      { programme: 'MINIMUM_LIVING_URBAN', otherProgramme: 'MINIMUM_LIVING_URBAN', households: null },
      { programme: 'MINIMUM_LIVING_URBAN', otherProgramme: 'MEDICAL_ASSISTANCE_OUTPATIENT', households: null },
      { programme: 'MINIMUM_LIVING_URBAN', otherProgramme: 'RENTAL_SUBSIDY', households: 8 },
      { programme: 'MEDICAL_ASSISTANCE_OUTPATIENT', otherProgramme: 'MEDICAL_ASSISTANCE_OUTPATIENT', households: null },
      { programme: 'MEDICAL_ASSISTANCE_OUTPATIENT', otherProgramme: 'RENTAL_SUBSIDY', households: 7 },
      { programme: 'RENTAL_SUBSIDY', otherProgramme: 'RENTAL_SUBSIDY', households: null },
    ]);
    // With the distribution (20 with one programme, 18 with two) the pairs would give the 3 away: 18 − 8 − 7.
    expect(o.households).toBeNull();
    const exact = await system.query(OVERLAP, { r: '654030', d: DATE });
    expect(exact.data!.programmeOverlap.pairs.map((p: { households: number }) => p.households)).toEqual([31, 3, 8, 10, 7, 15]);
    expect(exact.data!.programmeOverlap.distribution.map((b: { households: number }) => b.households)).toEqual([20, 18, 0, 0, 0]);
    expect(exact.data!.programmeOverlap.households).toBe(38);
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
    // Where the region's count is shown, the withheld counties' counts add up to 5 or more (a
    // county without any of the programme is a known zero: assistanceStatistics has no row for it).
    const exact = (county: string) => {
      const centralized = persons('EXTREME_POVERTY_CENTRALIZED', county);
      const dispersed = persons('EXTREME_POVERTY_DISPERSED', county);
      return { centralized, dispersed, total: centralized + dispersed };
    };
    for (const column of ['centralized', 'dispersed', 'total'] as const) {
      const withheld = c.counties.filter((r: { regionCode: string } & Record<string, unknown>) => r[column] === null && exact(r.regionCode)[column] > 0);
      if (c.region[column] === null || !withheld.length) continue;
      expect(withheld.length).toBeGreaterThan(1);
      expect(withheld.reduce((sum: number, r: { regionCode: string }) => sum + exact(r.regionCode)[column], 0)).toBeGreaterThanOrEqual(5);
    }
    // The coordination office sees every county's rate, none withheld.
    const office = await system.query(q, { r: '6540' });
    for (const row of office.data!.assistanceTargets.centralizedSupport.counties) expect(row).toMatchObject({ ...exact(row.regionCode), rate: expect.any(Number) });
  });

  it('measures disaster relief within 24 hours: 23 hours in time, 25 late, late cases for the coordination office only', async () => {
    const q = `query ($r: String!) { assistanceTargets(regionCode: $r, date: "${DATE}") { disasterRelief { from to targetHours counties { regionCode cases within24Hours late unrecorded shareWithin24Hours } lateCases { awardId householdId hours } } } }`;
    const inTime = await system.query(q, { r: '654027' });
    expect(inTime.data!.assistanceTargets.disasterRelief).toMatchObject({ from: '2024-01-01', to: DATE, targetHours: 24, counties: [{ regionCode: '654027', cases: 6, within24Hours: 6, late: 0, unrecorded: 0, shareWithin24Hours: 1 }], lateCases: [] });
    // An analyst gets the six in time; the zeros are withheld, and so is the total that would show they are zeros.
    const inTimePublished = await system.query(q, { r: '654027' }, { caller: ANALYST });
    expect(inTimePublished.data!.assistanceTargets.disasterRelief.counties).toEqual([{ regionCode: '654027', cases: null, within24Hours: 6, late: null, unrecorded: null, shareWithin24Hours: null }]);
    const late = await system.query(q, { r: '654028' });
    expect(late.data!.assistanceTargets.disasterRelief.counties).toEqual([{ regionCode: '654028', cases: 6, within24Hours: 0, late: 6, unrecorded: 0, shareWithin24Hours: 0 }]);
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

  it('counts gaps across the region as the records say: exact for the coordination office, small counts withheld for analysts', async () => {
    const truth = trueGaps('6540');
    const res = await system.query(GAPS, { r: '6540', d: DATE });
    expect(res.errors).toBeUndefined();
    for (const g of res.data!.assistanceTargets.coverageGaps as { kind: string; region: { persons: number }; counties: { regionCode: string; persons: number; households: number; householdIds: string[] }[] }[]) {
      const exact = truth[g.kind]!;
      expect(g.counties.map((c) => c.regionCode).sort()).toEqual([...exact.keys()].sort());
      for (const c of g.counties) expect([c.persons, c.households, c.householdIds]).toEqual([exact.get(c.regionCode)!.persons.size, exact.get(c.regionCode)!.households.size, [...exact.get(c.regionCode)!.households].sort()]);
      expect(g.region.persons).toBe([...exact.values()].reduce((s, c) => s + c.persons.size, 0));
    }
    const published = await system.query(GAPS, { r: '6540', d: DATE }, { caller: ANALYST });
    for (const g of published.data!.assistanceTargets.coverageGaps as { kind: string; region: { persons: number | null }; counties: { regionCode: string; persons: number | null; households: number | null }[] }[]) {
      const exact = truth[g.kind]!;
      for (const c of g.counties) {
        const e = exact.get(c.regionCode)!;
        if (c.persons !== null) expect(c.persons).toBe(e.persons.size);
        if (c.households !== null) expect(c.households).toBe(e.households.size);
        if (e.persons.size < 5) expect(c.persons).toBeNull();
        if (e.households.size < 5) expect(c.households).toBeNull();
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

  it('keeps the departments’ raw figures, recipient lists and data versions from analysts', async () => {
    for (const q of [`{ labourStatistics(regionCode: "6540") { beneficiaries } }`, `{ _internalCivilAffairsRecipients(regionCode: "6540") { personId } }`, `{ _internalCertificateHolders }`, `{ _internalLabourDataVersion }`]) {
      const res = await system.query(q, {}, { caller: ANALYST });
      expect(res.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      expect(JSON.stringify(res)).not.toMatch(/\d{17}[\dX]/);
    }
  });

  it('exports a statistic as CSV with a byte order mark, holding exactly what the field holds', async () => {
    const res = await system.query(
      `query ($r: String!, $d: String) { csv: statisticsCsv(statistic: ASSISTANCE_STATISTICS, regionCode: $r, date: $d) rows: assistanceStatistics(regionCode: $r, date: $d) { programme programmeNameZh department regionCode beneficiaries households amountFen }
        pairsCsv: statisticsCsv(statistic: PROGRAMME_OVERLAP, regionCode: $r, date: $d) overlap: programmeOverlap(regionCode: $r, date: $d) { pairs { programme otherProgramme households } } }`,
      { r: '6540', d: DATE },
      { caller: ANALYST },
    );
    expect(res.errors).toBeUndefined();
    const csv = res.data!.csv as string;
    expect(csv.charCodeAt(0)).toBe(0xfeff);
    const [header, ...lines] = csv.slice(1).trimEnd().split('\r\n');
    expect(header).toBe('programme,programmeNameZh,department,regionCode,beneficiaries,households,amountFen');
    expect(lines).toEqual(res.data!.rows.map((r: Record<string, unknown>) => Object.values(r).map((v) => (v === null ? '' : String(v))).join(',')));
    const pairLines = (res.data!.pairsCsv as string).slice(1).trimEnd().split('\r\n').slice(1).map((l) => l.split(','));
    expect(pairLines.map((l) => [l[0], l[2], l[4] === '' ? null : Number(l[4])])).toEqual(res.data!.overlap.pairs.map((p: { programme: string; otherProgramme: string; households: number | null }) => [p.programme, p.otherProgramme, p.households]));
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

  describe('no small count can be recovered by combining published figures (issue 25, hole 6)', () => {
    const refused = (res: { data?: unknown; errors?: readonly { extensions?: Record<string, unknown> }[] }, field: string) => {
      expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
      expect(res.data ?? null).toBeNull();
    };

    it('refuses an analyst a township, whose figures subtracted from its county’s would give small counts away', async () => {
      // The attack: 654002's rows minus 654002001's are the rest of the county, small parts and all.
      const county = await system.query(STATS, { r: '654002', d: DATE }, { caller: ANALYST });
      expect(county.errors).toBeUndefined();
      for (const caller of [ANALYST, { sub: 'officer-1', role: 'DEPARTMENT_OFFICER', department: 'HOUSING' } as Caller, { sub: 'auditor-1', role: 'AUDITOR' } as Caller]) {
        for (const query of [STATS, OVERLAP, TARGETS, `query ($r: String!, $d: String) { statisticsCsv(statistic: ASSISTANCE_STATISTICS, regionCode: $r, date: $d) }`]) {
          refused(await system.query(query, { r: '654002001', d: DATE }, { caller }), 'regionCode');
        }
      }
    });

    it('refuses an analyst a day that is not a month end, or a month not yet ended, and defaults to the last one that has', async () => {
      // The attack: two days a day apart give the day's changes (one person's one-off award) away.
      for (const date of ['2024-06-29', '2024-07-01', '2099-12-31']) {
        for (const query of [STATS, OVERLAP, TARGETS]) refused(await system.query(query, { r: '6540', d: date }, { caller: ANALYST }), 'date');
      }
      const relief = await system.query(`{ assistanceTargets(regionCode: "6540", date: "${DATE}") { disasterRelief(from: "2024-04-11", to: "2024-06-30") { region { cases } } } }`, {}, { caller: ANALYST });
      expect(relief.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'from' });
      const byDefault = await system.query(`{ assistanceStatistics(regionCode: "6540") { date } programmeOverlap(regionCode: "6540") { date } assistanceTargets(regionCode: "6540") { date } }`, {}, { caller: ANALYST });
      expect(byDefault.errors).toBeUndefined();
      expect(byDefault.data!.programmeOverlap.date).toBe(lastMonthEnd());
      expect(byDefault.data!.assistanceTargets.date).toBe(lastMonthEnd());
      for (const row of byDefault.data!.assistanceStatistics) expect(row.date).toBe(lastMonthEnd());
    });

    it('gives the coordination office exact figures for a township on any day', async () => {
      const date = '2024-06-29';
      const res = await system.query(`query ($r: String!, $d: String) { assistanceStatistics(regionCode: $r, date: $d) { programme regionCode beneficiaries households amountFen } programmeOverlap(regionCode: $r, date: $d) { households distribution { households } } }`, { r: '654002001', d: date });
      expect(res.errors).toBeUndefined();
      const truth = exactStatistics('654002001', date);
      expect(res.data!.assistanceStatistics.map((r: { programme: string; regionCode: string }) => `${r.programme} ${r.regionCode}`).sort()).toEqual([...truth.keys()].sort());
      for (const r of res.data!.assistanceStatistics) expect({ beneficiaries: r.beneficiaries, households: r.households, amountFen: r.amountFen }).toEqual(truth.get(`${r.programme} ${r.regionCode}`));
      expect(res.data!.assistanceStatistics.some((r: { beneficiaries: number }) => r.beneficiaries < 5)).toBe(true);
      const overlap = trueOverlap('654002001', date);
      expect(res.data!.programmeOverlap.households).toBe(overlap.households);
      expect(res.data!.programmeOverlap.distribution.map((b: { households: number }) => b.households)).toEqual(overlap.distribution);
    });

    it('gives no small count away when an analyst combines a province’s, its prefecture’s and every county’s answers', async () => {
      const prefixes = ['65', '6540', ...new Set(households.map((h) => h.regionCode.slice(0, 6)))].sort();
      /** county or region code → count → published value; every answer must agree on a cell. */
      const cells = new Map<string, number | null>();
      const sums: { cells: string[]; value: number }[] = [];
      const counties = [...new Set(households.map((h) => h.regionCode.slice(0, 6)))];
      const under = (code: string) => counties.filter((c) => c.startsWith(code));
      const see = (count: string, code: string, value: number | null) => {
        if (code.length === 6) {
          const key = `${count}@${code}`;
          if (cells.has(key)) expect({ key, value }).toEqual({ key, value: cells.get(key) });
          cells.set(key, value);
        } else if (value !== null) sums.push({ cells: under(code).map((c) => `${count}@${c}`), value });
      };
      /** A row total (e.g. 集中 + 分散) over counts of the same counties. */
      const seeRow = (counts: string[], code: string, value: number | null) => {
        if (value !== null) sums.push({ cells: counts.flatMap((count) => (code.length === 6 ? [code] : under(code)).map((c) => `${count}@${c}`)), value });
      };
      let rows = 0;
      /** The rows of an answer's counties; for a county asked alone and not listed, its known zeros. */
      const countyRows = <T extends { regionCode: string }>(r: string, counties: T[], counts: string[], value: (row: T, count: string) => number | null) => {
        if (r.length === 6 && !counties.length) for (const count of counts) see(count, r, 0);
        for (const row of counties) for (const count of counts) see(count, row.regionCode, value(row, count));
      };
      for (const r of prefixes) {
        const overlap = await system.query(OVERLAP, { r, d: DATE }, { caller: ANALYST });
        expect(overlap.errors).toBeUndefined();
        for (const p of overlap.data!.programmeOverlap.pairs) see(`pair ${p.programme} ${p.otherProgramme}`, r, p.households);
        const t = await system.query(TARGETS, { r, d: DATE }, { caller: ANALYST });
        expect(t.errors).toBeUndefined();
        const { centralizedSupport: c, disasterRelief: d, coverageGaps: g } = t.data!.assistanceTargets;
        type Row = Record<string, number | null> & { regionCode: string };
        countyRows<Row>(r, c.counties, ['centralized', 'dispersed'], (row, k) => row[k]!);
        if (r.length < 6) for (const k of ['centralized', 'dispersed']) see(k, r, c.region[k]);
        for (const row of [...c.counties, c.region]) seeRow(['centralized', 'dispersed'], row.regionCode, row.total);
        rows += c.counties.length + 1;
        const relief = ['within24Hours', 'late', 'unrecorded'];
        countyRows<Row>(r, d.counties, relief.map((k) => `relief ${k}`), (row, k) => row[k.slice(7)]!);
        if (r.length < 6) for (const k of relief) see(`relief ${k}`, r, d.region[k]);
        for (const row of [...d.counties, d.region]) seeRow(relief.map((k) => `relief ${k}`), row.regionCode, row.cases);
        for (const gap of g) {
          countyRows<Row>(r, gap.counties, [`${gap.kind} persons`, `${gap.kind} households`], (row, k) => row[k.split(' ')[1]!]!);
          if (r.length < 6) for (const k of ['persons', 'households']) see(`${gap.kind} ${k}`, r, gap.region[k]);
        }
      }
      // What assistanceStatistics tells too: a county without a row for a programme has none of it.
      const stats = await system.query(STATS, { r: '65', d: DATE }, { caller: ANALYST });
      const listed = new Set(stats.data!.assistanceStatistics.map((row: { programme: string; regionCode: string }) => `${row.programme}@${row.regionCode}`));
      for (const [k, programme] of [['centralized', 'EXTREME_POVERTY_CENTRALIZED'], ['dispersed', 'EXTREME_POVERTY_DISPERSED']]) {
        for (const county of counties) if (!listed.has(`${programme}@${county}`)) cells.set(`${k}@${county}`, 0);
      }
      expect(rows).toBeGreaterThan(prefixes.length);
      expect([...cells.values()].filter((v) => v === null).length).toBeGreaterThan(10);
      expect(sums.length).toBeGreaterThan(50);
      expect(recoverable(cells, sums)).toEqual([]);
    });
  });

  describe('figures kept computed (issue 25, hole 8)', () => {
    /** `saf_statistics_figures_total` of the coordination subgraph, by figure and outcome. */
    async function figureCounts(): Promise<Record<string, number>> {
      const text = await (await fetch(`${new URL(system.subgraphs.get('coordination')!.url).origin}/metrics`)).text();
      const out: Record<string, number> = {};
      for (const m of text.matchAll(/^saf_statistics_figures_total\{figure="([^"]+)",outcome="([^"]+)"\} (\d+)/gm)) out[`${m[1]} ${m[2]}`] = Number(m[3]);
      return out;
    }
    const delta = (before: Record<string, number>, after: Record<string, number>, key: string) => (after[key] ?? 0) - (before[key] ?? 0);

    it('computes a figure asked eight times at once once, and serves it again without computing', async () => {
      const date = '2024-05-15'; // asked nowhere else
      const before = await figureCounts();
      const answers = await Promise.all(Array.from({ length: 8 }, () => system.query(OVERLAP, { r: '654030', d: date })));
      const after = await figureCounts();
      for (const a of answers) expect(a.errors).toBeUndefined();
      expect(new Set(answers.map((a) => JSON.stringify(a.data)))).toHaveLength(1);
      expect(delta(before, after, 'overlap computed')).toBe(1);
      expect(delta(before, after, 'overlap joined') + delta(before, after, 'overlap cached')).toBe(7);
      // Each department's figures for the date were read once too (the overlap asks each county of them).
      expect(delta(before, after, 'aggregates computed')).toBe(7);
      const again = await system.query(OVERLAP, { r: '654030', d: date }, { caller: { sub: 'coordinator-2', role: 'COORDINATOR' } });
      expect(again.data).toEqual(answers[0]!.data);
      expect(delta(after, await figureCounts(), 'overlap computed')).toBe(0);
      // The truth, as the records say.
      const truth = trueOverlap('654030', date);
      expect(answers[0]!.data!.programmeOverlap.households).toBe(truth.households);
    });

    it('follows a new load: the figures change as the records do, recomputed once', async () => {
      const ask = () =>
        system.query(
          `query ($d: String) { stats: assistanceStatistics(regionCode: "654024", date: $d) { beneficiaries households amountFen asOf }
            overlap: programmeOverlap(regionCode: "6540", date: $d) { households asOf }
            targets: assistanceTargets(regionCode: "654025", date: $d) { centralizedSupport { region { centralized dispersed total } asOf } } }`,
          { d: DATE },
        );
      const first = await ask();
      expect(first.errors).toBeUndefined();
      expect(first.data!.stats).toEqual([expect.objectContaining({ beneficiaries: 5, households: 5, amountFen: '250000' })]);
      expect(first.data!.targets.centralizedSupport.region).toEqual({ centralized: 49, dispersed: 51, total: 100 });
      const cachedAgain = await ask();
      expect(cachedAgain.data).toEqual(first.data);

      const topUp = statisticsTopUp();
      const loaded = await loadFile(await writeNdjson(topUp), system.loadOptions);
      expect(loaded).toMatchObject({ ok: true });
      records.push(...topUp);
      households.push(...topUp.filter((r): r is Household => r.type === 'household'));
      for (const p of topUp.filter((r): r is Person => r.type === 'person')) persons.push(p), personById.set(p.id, p);
      awards.push(...topUp.filter((r): r is Award => r.type === 'award'));
      for (const h of topUp.filter((r): r is Household => r.type === 'household')) householdById.set(h.id, h);

      const before = await figureCounts();
      const second = await ask();
      const after = await figureCounts();
      expect(second.errors).toBeUndefined();
      const truth = exactStatistics('654024').get('RURAL_HOUSING_RENOVATION 654024')!;
      expect(truth).toEqual({ beneficiaries: 8, households: 8, amountFen: '460000' });
      expect(second.data!.stats).toEqual([expect.objectContaining(truth)]);
      expect(second.data!.targets.centralizedSupport.region).toEqual({ centralized: 51, dispersed: 51, total: 102 });
      expect(second.data!.overlap.households).toBe(trueOverlap('6540').households);
      expect(second.data!.overlap.households).toBe(first.data!.overlap.households + 5);
      // Recomputed from the new data, once each, and saying so.
      expect(delta(before, after, 'overlap computed')).toBe(1);
      expect(second.data!.overlap.asOf > first.data!.overlap.asOf).toBe(true);
      expect(second.data!.stats[0].asOf > first.data!.stats[0].asOf).toBe(true);
    });
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
