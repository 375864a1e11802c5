import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Caller } from '@saf/auth';
import { startSubgraph, type StartedSubgraph } from '@saf/testing';
import { findings, sweeps } from '../src/db/schema.ts';
import { createServer } from '../src/server.ts';

// The two lists a caseworker's worklist and the coordinator's dashboard read, through the
// subgraph's GraphQL (signed as the gateway, on a caller's behalf), on rows written directly.

const COORDINATOR: Caller = { sub: 'coordinator-1', role: 'COORDINATOR' };
const CASEWORKER: Caller = { sub: 'caseworker-654002', role: 'CASEWORKER', region: '654002' };
const OTHER_COUNTY: Caller = { sub: 'caseworker-654023', role: 'CASEWORKER', region: '654023' };

/** A stored finding first seen at `at`. */
function finding(id: string, at: string, values: Partial<typeof findings.$inferInsert> = {}): typeof findings.$inferInsert {
  return {
    id,
    rule: 'SAME_PROGRAMME_OVERLAP',
    householdId: `H-${id}`,
    regionCode: '654002001',
    personIds: [`P-${id}`],
    awardIds: [`A-${id}`, `B-${id}`],
    awardKeys: [`HOUSING:A-${id}`, `HOUSING:B-${id}`],
    departments: ['HOUSING'],
    programmes: ['RENTAL_SUBSIDY', 'RENTAL_SUBSIDY'],
    explanation: '同一项目重叠',
    explanationEn: 'same programme overlaps',
    firstSeenAt: at,
    lastSeenAt: at,
    ...values,
  };
}

const FINDINGS = [
  finding('F-c', '2026-01-03 09:00:00+00'),
  finding('F-a', '2026-01-01 09:00:00+00'),
  // Two first seen at the same instant: the id decides, and a page boundary between them holds.
  finding('F-b2', '2026-01-02 09:00:00+00'),
  finding('F-b1', '2026-01-02 09:00:00+00'),
  finding('F-d', '2026-01-04 09:00:00+00', { rule: 'EXCLUSIVE_PROGRAMMES', departments: ['CIVIL_AFFAIRS', 'LABOUR'] }),
  finding('F-e', '2026-01-05 09:00:00+00', { status: 'DISMISSED' }),
  finding('F-f', '2025-12-31 09:00:00+00', { goneAt: '2026-01-06 09:00:00+00' }),
  // Another county: outside the caseworker's jurisdiction.
  finding('F-x', '2025-12-01 09:00:00+00', { regionCode: '654023001', householdId: 'H-x' }),
];

/** A sweep asked for at `requested`; it may have started later (a QUEUED one that got its turn). */
function sweep(id: string, regionCode: string, status: string, requested: string, startedAt = requested): typeof sweeps.$inferInsert {
  // Under-way sweeps of "another process" that is alive: a heartbeat far ahead, so no reaper fails them mid-test.
  return { id, regionCode, status, requestedBy: 'someone', requestedAt: requested, startedAt, heartbeatAt: '2100-01-01 00:00:00+00', owner: 'P-elsewhere', ...(status === 'DONE' || status === 'FAILED' ? { finishedAt: startedAt } : {}) };
}

const SWEEPS = [
  sweep('S-1', '654002', 'DONE', '2026-02-01 08:00:00+00'),
  sweep('S-2', '6540', 'FAILED', '2026-02-02 08:00:00+00'),
  // Asked for third but started last: the order is by when it was asked for.
  sweep('S-3', '654002001', 'DONE', '2026-02-03 08:00:00+00', '2026-02-09 08:00:00+00'),
  sweep('S-4', '654023', 'DONE', '2026-02-04 08:00:00+00'),
  sweep('S-5', '654002', 'RUNNING', '2026-02-05 08:00:00+00'),
  sweep('S-6', '654002002', 'QUEUED', '2026-02-06 08:00:00+00'),
];

interface Page {
  edges: { node: { id: string }; cursor: string }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  totalCount: number;
}

describe('the coordination lists', () => {
  let sg: StartedSubgraph;
  beforeAll(async () => {
    sg = await startSubgraph('coordination', createServer, new URL('../', import.meta.url));
    await sg.database.db.insert(findings).values(FINDINGS);
    await sg.database.db.insert(sweeps).values(SWEEPS);
  });
  afterAll(() => sg?.stop());

  const FINDINGS_PAGE = `query ($region: String!, $order: FindingOrder, $first: Int, $after: String, $rule: String, $department: Department, $status: FindingStatus) {
    duplicateAidFindings(regionCode: $region, order: $order, first: $first, after: $after, rule: $rule, department: $department, status: $status) {
      totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id } } } }`;

  /** Every id of a list, walked page by page. */
  async function walk(query: string, field: string, variables: Record<string, unknown>, caller: Caller): Promise<{ ids: string[]; pages: number; totalCount: number }> {
    const ids: string[] = [];
    let after: string | null = null;
    let pages = 0;
    let totalCount = -1;
    do {
      const res = await sg.query<Record<string, Page>>(query, { ...variables, after }, caller);
      expect(res.errors).toBeUndefined();
      const page: Page = res.data![field]!;
      ids.push(...page.edges.map((e) => e.node.id));
      totalCount = page.totalCount;
      after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
      pages++;
    } while (after && pages < 20);
    return { ids, pages, totalCount };
  }

  it('lists open findings oldest first, the same instant by id, page after page, and newest first is its reverse', async () => {
    const oldest = await walk(FINDINGS_PAGE, 'duplicateAidFindings', { region: '654002', order: 'OLDEST_FIRST', first: 2, status: 'OPEN' }, CASEWORKER);
    expect(oldest).toEqual({ ids: ['F-a', 'F-b1', 'F-b2', 'F-c', 'F-d'], pages: 3, totalCount: 5 });
    const newest = await walk(FINDINGS_PAGE, 'duplicateAidFindings', { region: '654002', order: 'NEWEST_FIRST', first: 2, status: 'OPEN' }, CASEWORKER);
    expect(newest.ids).toEqual([...oldest.ids].reverse());
    // Without `order`: newest first, as before the argument existed.
    const byDefault = await walk(FINDINGS_PAGE, 'duplicateAidFindings', { region: '654002', first: 2, status: 'OPEN' }, CASEWORKER);
    expect(byDefault.ids).toEqual(newest.ids);
  });

  it('filters the oldest-first list by rule and by department, and keeps gone findings out unless asked', async () => {
    const byRule = await walk(FINDINGS_PAGE, 'duplicateAidFindings', { region: '654002', order: 'OLDEST_FIRST', first: 1, rule: 'SAME_PROGRAMME_OVERLAP', status: 'OPEN' }, CASEWORKER);
    expect(byRule).toMatchObject({ ids: ['F-a', 'F-b1', 'F-b2', 'F-c'], totalCount: 4 });
    const byDepartment = await walk(FINDINGS_PAGE, 'duplicateAidFindings', { region: '654002', order: 'OLDEST_FIRST', first: 1, department: 'LABOUR' }, CASEWORKER);
    expect(byDepartment).toMatchObject({ ids: ['F-d'], totalCount: 1 });
    // Every status, standing only: the dismissed one is last, the gone one (first seen earliest) absent.
    const all = await walk(FINDINGS_PAGE, 'duplicateAidFindings', { region: '65', order: 'OLDEST_FIRST', first: 3 }, COORDINATOR);
    expect(all.ids).toEqual(['F-x', 'F-a', 'F-b1', 'F-b2', 'F-c', 'F-d', 'F-e']);
  });

  it('refuses a cursor of the other order, and a caseworker another county, naming what is wrong', async () => {
    const first = await sg.query<{ duplicateAidFindings: Page }>(FINDINGS_PAGE, { region: '654002', order: 'NEWEST_FIRST', first: 1 }, CASEWORKER);
    const cursor = first.data!.duplicateAidFindings.pageInfo.endCursor;
    const mixed = await sg.query(FINDINGS_PAGE, { region: '654002', order: 'OLDEST_FIRST', first: 1, after: cursor }, CASEWORKER);
    expect(mixed.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
    expect(mixed.errors?.[0]?.message).toContain('NEWEST_FIRST');
    const oldest = await sg.query<{ duplicateAidFindings: Page }>(FINDINGS_PAGE, { region: '654002', order: 'OLDEST_FIRST', first: 1 }, CASEWORKER);
    const back = await sg.query(FINDINGS_PAGE, { region: '654002', first: 1, after: oldest.data!.duplicateAidFindings.pageInfo.endCursor }, CASEWORKER);
    expect(back.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
    const outside = await sg.query(FINDINGS_PAGE, { region: '654023', order: 'OLDEST_FIRST' }, CASEWORKER);
    expect(outside.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(outside.data).toBeNull();
  });

  const SWEEPS_PAGE = `query ($region: String!, $first: Int, $after: String) {
    duplicateAidSweeps(regionCode: $region, first: $first, after: $after) {
      totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id regionCode status startedAt finishedAt } } } }`;

  it('lists sweeps the most recently asked for first, QUEUED and RUNNING included, page after page', async () => {
    const all = await walk(SWEEPS_PAGE, 'duplicateAidSweeps', { region: '65', first: 2 }, COORDINATOR);
    expect(all).toEqual({ ids: ['S-6', 'S-5', 'S-4', 'S-3', 'S-2', 'S-1'], pages: 3, totalCount: 6 });
    const res = await sg.query<{ duplicateAidSweeps: { edges: { node: Record<string, unknown> }[] } }>(SWEEPS_PAGE, { region: '65', first: 2 }, COORDINATOR);
    expect(res.data!.duplicateAidSweeps.edges.map((e) => e.node)).toEqual([
      { id: 'S-6', regionCode: '654002002', status: 'QUEUED', startedAt: expect.stringMatching(/^2026-02-06/), finishedAt: null },
      { id: 'S-5', regionCode: '654002', status: 'RUNNING', startedAt: expect.stringMatching(/^2026-02-05/), finishedAt: null },
    ]);
  });

  it('shows a caseworker the sweeps of their jurisdiction only, and refuses wider regions and other roles', async () => {
    const mine = await walk(SWEEPS_PAGE, 'duplicateAidSweeps', { region: '654002', first: 10 }, CASEWORKER);
    expect(mine).toEqual({ ids: ['S-6', 'S-5', 'S-3', 'S-1'], pages: 1, totalCount: 4 });
    // The other county's caseworker sees theirs, and nothing of 654002.
    expect((await walk(SWEEPS_PAGE, 'duplicateAidSweeps', { region: '654023' }, OTHER_COUNTY)).ids).toEqual(['S-4']);
    for (const [caller, region] of [
      [CASEWORKER, '6540'],
      [CASEWORKER, '654023'],
      [{ sub: 'analyst', role: 'ANALYST' }, '65'],
      [{ sub: 'auditor', role: 'AUDITOR' }, '65'],
      [{ sub: 'officer', role: 'DEPARTMENT_OFFICER', department: 'HOUSING' }, '65'],
    ] as [Caller, string][]) {
      const res = await sg.query(SWEEPS_PAGE, { region }, caller);
      expect(res.errors?.[0]?.extensions?.code, `${caller.sub} ${region}`).toBe('FORBIDDEN');
      expect(res.data, `${caller.sub} ${region}`).toBeNull();
    }
  });

  it('names a bad region, page size or cursor', async () => {
    for (const [variables, field] of [
      [{ region: '6540x' }, 'regionCode'],
      [{ region: '65', first: 0 }, 'first'],
      [{ region: '65', first: 101 }, 'first'],
      [{ region: '65', after: 'bm90IGEgY3Vyc29y' }, 'after'],
    ] as [Record<string, unknown>, string][]) {
      const res = await sg.query(SWEEPS_PAGE, variables, COORDINATOR);
      expect(res.errors?.[0]?.extensions, JSON.stringify(variables)).toMatchObject({ code: 'BAD_USER_INPUT', field });
    }
  });
});
