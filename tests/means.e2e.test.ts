import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Caller } from '@saf/auth';
import { makeResidentId } from '@saf/identity';
import { loadFile } from '@saf/loader';
import { householdWithEverything } from './support/fixture.ts';
import { writeNdjson } from './support/files.ts';
import { startSystem, type System } from './support/system.ts';

// The household's means (SPEC section 10) through the gateway: labour's incomes, housing's
// properties and civil affairs' standards, loaded from one file, shown to those entitled.

const CASEWORKER: Caller = { sub: 'cw-654002', role: 'CASEWORKER', region: '654002' };
const CASEWORKER_ELSEWHERE: Caller = { sub: 'cw-654023', role: 'CASEWORKER', region: '654023' };
const ANALYST: Caller = { sub: 'an-1', role: 'ANALYST' };
const AUDITOR: Caller = { sub: 'au-1', role: 'AUDITOR' };
const HEALTH_OFFICER: Caller = { sub: 'he-1', role: 'DEPARTMENT_OFFICER', department: 'HEALTH' };
const LABOUR_OFFICER: Caller = { sub: 'lb-1', role: 'DEPARTMENT_OFFICER', department: 'LABOUR' };

const fixture = householdWithEverything(27);
const { head, spouse, elder } = fixture.persons;
const income = (id: string, personId: string, source: string, monthlyFen: number, startDate: string, endDate: string | null = null) => ({ type: 'income', id, department: 'LABOUR', personId, source, monthlyFen, startDate, endDate });
const property = (id: string, personId: string, kind: string, areaSqm: number, acquiredDate: string, disposedDate: string | null = null) => ({ type: 'property', id, department: 'HOUSING', personId, kind, areaSqm, acquiredDate, disposedDate });
const standard = (id: string, programme: string, regionCode: string, monthlyFen: number, startDate: string, endDate: string | null = null) => ({ type: 'standard', id, department: 'CIVIL_AFFAIRS', programme, regionCode, monthlyFen, startDate, endDate });

const MEANS = [
  income('RS-INC-E1', head, 'WAGE', 120_000, '2025-03-01'),
  income('RS-INC-E2', spouse, 'UNEMPLOYMENT_INSURANCE', 153_000, '2024-01-01', '2024-09-30'),
  income('RS-INC-E3', elder, 'PENSION', 23_500, '2010-02-01'),
  property('ZJ-PR-E1', head, 'RESIDENTIAL', 85.5, '2015-06-01'),
  property('ZJ-PR-E2', spouse, 'COMMERCIAL', 32.75, '2019-01-15', '2023-08-31'),
  standard('MZ-STD-E1', 'MINIMUM_LIVING_URBAN', '654002', 68_000, '2024-01-01', '2024-12-31'),
  standard('MZ-STD-E2', 'MINIMUM_LIVING_URBAN', '654002', 72_000, '2025-01-01'),
  standard('MZ-STD-E3', 'EXTREME_POVERTY_DISPERSED', '6540', 93_600, '2025-01-01'),
];

const PICTURE = `query MeansPicture($id: ID!, $date: String) {
  household(id: $id) {
    id hukou
    assistanceStandards(date: $date) { id programme regionCode monthlyFen startDate endDate }
    members { id incomes { id source monthlyFen startDate endDate } properties { id kind areaSqm acquiredDate disposedDate } }
  }
}`;
const PERSON_MEANS = `query ReadMeans($id: ID!) { person(id: $id) { id incomes { id monthlyFen } properties { id kind } } }`;
const LOG = `query ReadLog($id: ID!) { accessLog(personId: $id, first: 20) { edges { node { sub role operation subjectIds } } } }`;

describe('a household’s means through the gateway', () => {
  let system: System;
  beforeAll(async () => {
    system = await startSystem();
    const result = await loadFile(await writeNdjson([...fixture.records, ...MEANS]), system.loadOptions);
    expect(result).toMatchObject({ ok: true, counts: { CIVIL_AFFAIRS: { standard: 3 }, LABOUR: { income: 3 }, HOUSING: { property: 2 } } });
  });
  afterAll(() => system?.stop());

  it('loads the same file again without changing a row', async () => {
    const again = await loadFile(await writeNdjson([...fixture.records, ...MEANS]), system.loadOptions);
    expect(again).toMatchObject({ ok: true, counts: { CIVIL_AFFAIRS: { standard: 0 }, LABOUR: { income: 0 }, HOUSING: { property: 0 } } });
  });

  it('shows a caseworker of the place each member’s incomes and properties and the standards in force', async () => {
    const res = await system.query(PICTURE, { id: fixture.householdId, date: '2025-06-30' }, { caller: CASEWORKER });
    expect(res.errors).toBeUndefined();
    const h = res.data!.household;
    expect(h.assistanceStandards).toEqual([
      { id: 'MZ-STD-E2', programme: 'MINIMUM_LIVING_URBAN', regionCode: '654002', monthlyFen: 72_000, startDate: '2025-01-01', endDate: null },
      { id: 'MZ-STD-E3', programme: 'EXTREME_POVERTY_DISPERSED', regionCode: '6540', monthlyFen: 93_600, startDate: '2025-01-01', endDate: null },
    ]);
    const byMember = new Map(h.members.map((m: { id: string }) => [m.id, m]));
    expect(byMember.get(head)).toEqual({
      id: head,
      incomes: [{ id: 'RS-INC-E1', source: 'WAGE', monthlyFen: 120_000, startDate: '2025-03-01', endDate: null }],
      properties: [{ id: 'ZJ-PR-E1', kind: 'RESIDENTIAL', areaSqm: 85.5, acquiredDate: '2015-06-01', disposedDate: null }],
    });
    expect(byMember.get(spouse)).toMatchObject({ incomes: [{ id: 'RS-INC-E2', endDate: '2024-09-30' }], properties: [{ id: 'ZJ-PR-E2', areaSqm: 32.75, disposedDate: '2023-08-31' }] });
    expect(byMember.get(elder)).toMatchObject({ incomes: [{ id: 'RS-INC-E3', source: 'PENSION', monthlyFen: 23_500 }], properties: [] });
    // A year earlier, the 2024 standard.
    const before = await system.query(PICTURE, { id: fixture.householdId, date: '2024-12-31' }, { caller: CASEWORKER });
    expect(before.data!.household.assistanceStandards.map((s: { id: string }) => s.id)).toEqual(['MZ-STD-E1']);
  });

  it('logs the caseworker’s read of incomes and properties, naming the persons', async () => {
    const read = await system.query(PERSON_MEANS, { id: spouse }, { caller: CASEWORKER });
    expect(read.errors).toBeUndefined();
    expect(read.data!.person.incomes).toHaveLength(1);
    const log = await system.query(LOG, { id: spouse }, { caller: AUDITOR });
    expect(log.errors).toBeUndefined();
    const entries = log.data!.accessLog.edges.map((e: { node: { sub: string; operation: string; subjectIds: string[] } }) => e.node);
    expect(entries).toContainEqual(expect.objectContaining({ sub: CASEWORKER.sub, operation: 'ReadMeans', subjectIds: expect.arrayContaining([spouse]) }));
    expect(entries).toContainEqual(expect.objectContaining({ sub: CASEWORKER.sub, operation: 'MeansPicture', subjectIds: expect.arrayContaining([fixture.householdId, head, spouse, elder]) }));
  });

  it('refuses the means to a caseworker elsewhere, analysts, auditors and other departments’ officers, leaking nothing', async () => {
    for (const caller of [CASEWORKER_ELSEWHERE, ANALYST, AUDITOR]) {
      const res = await system.query(PICTURE, { id: fixture.householdId, date: '2025-06-30' }, { caller });
      expect(res.errors?.[0]?.extensions?.code, caller.sub).toBe('FORBIDDEN');
      expect(JSON.stringify(res.data ?? null)).not.toMatch(/RS-INC|ZJ-PR|MZ-STD/);
    }
    // An officer of another department reads the person (to check duplicates), not labour's or housing's records of them.
    const other = await system.query(PERSON_MEANS, { id: head }, { caller: HEALTH_OFFICER });
    expect(other.data!.person).toEqual({ id: head, incomes: null, properties: null });
    expect(other.errors!.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN', 'FORBIDDEN']);
    // Labour's officers read labour's incomes, not housing's properties.
    const labour = await system.query(PERSON_MEANS, { id: head }, { caller: LABOUR_OFFICER });
    expect(labour.data!.person).toEqual({ id: head, incomes: [{ id: 'RS-INC-E1', monthlyFen: 120_000 }], properties: null });
    expect(labour.errors!.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
  });

  it('publishes the standards to any signed-in role, outside the access log', async () => {
    const res = await system.query(`query Standards { assistanceStandards(regionCode: "654002001", date: "2025-06-30") { id monthlyFen } }`, {}, { caller: ANALYST, headers: { 'x-purpose': '' } });
    expect(res.errors).toBeUndefined();
    expect(res.data!.assistanceStandards).toEqual([{ id: 'MZ-STD-E2', monthlyFen: 72_000 }, { id: 'MZ-STD-E3', monthlyFen: 93_600 }]);
  });

  it('refuses a whole file for one bad line, naming line and field, and writes none of it', async () => {
    const stranger = makeResidentId('654002', '1980-01-01', 997);
    const lines = [
      income('RS-INC-NEW', head, 'WAGE', 99_000, '2026-01-01'),
      property('ZJ-PR-NEW', head, 'VEHICLE_PARKING', 12.5, '2026-01-01'),
      standard('MZ-STD-NEW', 'MINIMUM_LIVING_RURAL', '654002', 50_000, '2026-01-01'),
      property('ZJ-PR-BAD', spouse, 'RESIDENTIAL', 60.125, '2026-01-01'),
    ];
    const bad = await loadFile(await writeNdjson(lines), system.loadOptions);
    expect(bad).toEqual({ ok: false, errors: [expect.objectContaining({ line: 4, field: 'areaSqm' })] });
    // A reference to a person neither in the file nor registered: refused too.
    const unknown = await loadFile(await writeNdjson([lines[0]!, income('RS-INC-X', stranger, 'WAGE', 1, '2026-01-01')]), system.loadOptions);
    expect(unknown).toEqual({ ok: false, errors: [expect.objectContaining({ line: 2, field: 'personId', message: expect.stringMatching(/neither in the file nor registered/) })] });
    const after = await system.query(PERSON_MEANS, { id: head }, { caller: CASEWORKER });
    expect(after.data!.person.incomes.map((i: { id: string }) => i.id)).toEqual(['RS-INC-E1']);
    expect(after.data!.person.properties.map((p: { id: string }) => p.id)).toEqual(['ZJ-PR-E1']);
    const standards = await system.query(`{ assistanceStandards(regionCode: "654002", date: "2026-02-01") { id } }`);
    expect(standards.data!.assistanceStandards.map((s: { id: string }) => s.id)).not.toContain('MZ-STD-NEW');
  });
});
