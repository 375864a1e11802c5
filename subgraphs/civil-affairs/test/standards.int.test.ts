import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Caller } from '@saf/auth';
import { ingest, startSubgraph, type StartedSubgraph } from '@saf/testing';
import { createServer } from '../src/server.ts';

const standard = (id: string, programme: string, regionCode: string, monthlyFen: number, startDate: string, endDate: string | null = null) => ({
  type: 'standard', id, department: 'CIVIL_AFFAIRS', programme, regionCode, monthlyFen, startDate, endDate,
});

// 伊宁市 (654002) sets its own 低保 standards each year; the prefecture (6540) one for 特困;
// one township of it (654002100) a rural 低保 standard of its own from mid-2025.
const STANDARDS = [
  standard('S-U-2024', 'MINIMUM_LIVING_URBAN', '654002', 68_000, '2024-01-01', '2024-12-31'),
  standard('S-U-2025', 'MINIMUM_LIVING_URBAN', '654002', 72_000, '2025-01-01'),
  standard('S-R-2025', 'MINIMUM_LIVING_RURAL', '654002', 50_200, '2025-01-01'),
  standard('S-R-BYD', 'MINIMUM_LIVING_RURAL', '654002100', 52_000, '2025-07-01'),
  standard('S-TK-ILI', 'EXTREME_POVERTY_DISPERSED', '6540', 93_600, '2025-01-01'),
  // A second prefecture-wide 特困 standard from October: the later start is in force after it.
  standard('S-TK-ILI-2', 'EXTREME_POVERTY_DISPERSED', '6540', 95_000, '2025-10-01'),
  standard('S-U-021', 'MINIMUM_LIVING_URBAN', '654021', 60_000, '2025-01-01'),
];
const HOUSEHOLDS = [
  { type: 'household', id: 'H-CITY', regionCode: '654002001001', hukou: 'URBAN' },
  { type: 'household', id: 'H-BYD', regionCode: '654002100201', hukou: 'RURAL' },
  { type: 'household', id: 'H-YN', regionCode: '654021', hukou: 'URBAN' },
  { type: 'household', id: 'H-ZS', regionCode: '654026100', hukou: 'RURAL' },
];
const FIELDS = '{ id programme regionCode monthlyFen startDate endDate }';
type Standard = { id: string; programme: string };
const ids = (list: Standard[]) => list.map((s) => s.id);

describe('civil affairs standards (保障标准)', () => {
  let sg: StartedSubgraph;
  const root = (regionCode: string, date: string | null, caller?: Caller | null) =>
    sg.query(`query ($r: String!, $d: String) { assistanceStandards(regionCode: $r, date: $d) ${FIELDS} }`, { r: regionCode, d: date }, caller as Caller);
  const onHouseholds = (households: string[], date: string, caller?: Caller) =>
    sg.query(`query ($r: [_Any!]!, $d: String) { _entities(representations: $r) { ... on Household { id assistanceStandards(date: $d) ${FIELDS} } } }`, { r: households.map((id) => ({ __typename: 'Household', id })), d: date }, caller);

  beforeAll(async () => {
    sg = await startSubgraph('civil-affairs', createServer, new URL('../', import.meta.url));
  });
  afterAll(() => sg?.stop());

  it('stores standard records through /ingest and replaces by identity: loading twice changes nothing', async () => {
    expect(await ingest(sg, [...HOUSEHOLDS, ...STANDARDS])).toMatchObject({ status: 200, counts: { household: 4, standard: STANDARDS.length } });
    expect(await ingest(sg, STANDARDS)).toMatchObject({ status: 200, counts: { standard: 0 } });
    expect(await ingest(sg, [{ ...STANDARDS[6]!, monthlyFen: 61_000 }])).toMatchObject({ status: 200, counts: { standard: 1 } });
    const res = await root('654021', '2025-03-01');
    expect(res.data!.assistanceStandards).toEqual([
      { id: 'S-U-021', programme: 'MINIMUM_LIVING_URBAN', regionCode: '654021', monthlyFen: 61_000, startDate: '2025-01-01', endDate: null },
      { id: 'S-TK-ILI', programme: 'EXTREME_POVERTY_DISPERSED', regionCode: '6540', monthlyFen: 93_600, startDate: '2025-01-01', endDate: null },
    ]);
  });

  it('gives per programme the standard of the longest prefix whose period covers the day', async () => {
    const on = async (regionCode: string, date: string) => ids((await root(regionCode, date)).data!.assistanceStandards);
    expect(await on('654002', '2024-06-30')).toEqual(['S-U-2024']);
    // The last day of a period is in it, the next day the next standard.
    expect(await on('654002', '2024-12-31')).toEqual(['S-U-2024']);
    expect(await on('654002', '2025-01-01')).toEqual(['S-U-2025', 'S-R-2025', 'S-TK-ILI']);
    // The township's own rural standard from its first day; the county's before it and elsewhere.
    expect(await on('654002100201', '2025-06-30')).toEqual(['S-U-2025', 'S-R-2025', 'S-TK-ILI']);
    expect(await on('654002100201', '2025-07-01')).toEqual(['S-U-2025', 'S-R-BYD', 'S-TK-ILI']);
    expect(await on('654002101', '2025-07-01')).toEqual(['S-U-2025', 'S-R-2025', 'S-TK-ILI']);
    // Two of one prefix cover the day: the later start.
    expect(await on('654026', '2025-10-01')).toEqual(['S-TK-ILI-2']);
    expect(await on('654026', '2025-09-30')).toEqual(['S-TK-ILI']);
    // Before any standard, and outside Ili: none.
    expect(await on('654002', '2023-12-31')).toEqual([]);
    expect(await on('650102', '2025-07-01')).toEqual([]);
  });

  it('gives each household its place’s standards, N households in one SQL query', async () => {
    sg.resetQueries();
    const res = await onHouseholds(['H-CITY', 'H-BYD', 'H-YN', 'H-ZS'], '2025-11-15');
    expect(res.errors).toBeUndefined();
    expect(res.data!._entities.map((h: { id: string; assistanceStandards: Standard[] }) => [h.id, ids(h.assistanceStandards)])).toEqual([
      ['H-CITY', ['S-U-2025', 'S-R-2025', 'S-TK-ILI-2']],
      ['H-BYD', ['S-U-2025', 'S-R-BYD', 'S-TK-ILI-2']],
      ['H-YN', ['S-U-021', 'S-TK-ILI-2']],
      ['H-ZS', ['S-TK-ILI-2']],
    ]);
    expect(sg.queries.filter((q) => /from "standards"/.test(q))).toHaveLength(1);
  });

  it('refuses a bad standard, naming line and field, and writes none of the batch', async () => {
    const res = await ingest(sg, [
      standard('S-NEW', 'MINIMUM_LIVING_URBAN', '654003', 70_000, '2025-01-01'),
      standard('S-BAD', 'TEMPORARY_ASSISTANCE', '654003', 70_000, '2025-01-01'),
      standard('S-BAD-2', 'MINIMUM_LIVING_RURAL', '65400', 70_000, '2025-01-01'),
    ]);
    expect(res.status).toBe(422);
    expect(res.errors).toEqual([
      expect.objectContaining({ line: 2, field: 'programme', message: expect.stringMatching(/has no standard/) }),
      expect.objectContaining({ line: 3, field: 'regionCode' }),
    ]);
    expect(ids((await root('654003', '2025-06-01')).data!.assistanceStandards)).toEqual(['S-TK-ILI']);
  });

  it('refuses a bad date or region code as BAD_USER_INPUT naming the argument', async () => {
    expect((await root('654002', '2025-02-30')).errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'date' });
    expect((await root('65400', null)).errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'regionCode' });
    // Without a date: today's (the open-ended 2025 standards are still in force).
    expect(ids((await root('654002', null)).data!.assistanceStandards)).toEqual(expect.arrayContaining(['S-U-2025']));
  });

  it('publishes the standards to every signed-in role; a household’s only with the household, in jurisdiction', async () => {
    for (const role of ['ANALYST', 'AUDITOR', 'CASEWORKER', 'DEPARTMENT_OFFICER'] as const) {
      const caller = { sub: 'x', role, ...(role === 'CASEWORKER' ? { region: '654021' } : {}), ...(role === 'DEPARTMENT_OFFICER' ? { department: 'HEALTH' as const } : {}) } as Caller;
      const res = await root('654002', '2025-03-01', caller);
      expect(res.errors, role).toBeUndefined();
      expect(ids(res.data!.assistanceStandards)).toEqual(['S-U-2025', 'S-R-2025', 'S-TK-ILI']);
    }
    expect((await root('654002', '2025-03-01', null)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const outside = await onHouseholds(['H-CITY'], '2025-03-01', { sub: 'c', role: 'CASEWORKER', region: '654021' });
    expect(outside.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(JSON.stringify(outside.data)).not.toContain('S-U');
    const analyst = await onHouseholds(['H-YN'], '2025-03-01', { sub: 'a', role: 'ANALYST' });
    expect(analyst.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const inside = await onHouseholds(['H-YN'], '2025-03-01', { sub: 'c', role: 'CASEWORKER', region: '654021' });
    expect(ids(inside.data!._entities[0].assistanceStandards)).toEqual(['S-U-021', 'S-TK-ILI']);
  });
});
