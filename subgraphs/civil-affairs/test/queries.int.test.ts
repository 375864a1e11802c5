import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import type { Db } from '@saf/db';
import { makeResidentId } from '@saf/identity';
import { ingest, startSubgraph, type StartedSubgraph } from '@saf/testing';
import { householdsByIds, membersByHouseholdIds, personsByIds } from '../src/db/queries.ts';
import { createServer } from '../src/server.ts';

/** The statements this connection holds by name, and how often each was planned (run). */
async function preparedRuns(tx: Db): Promise<Record<string, number>> {
  const result = await tx.execute(sql`SELECT name, (generic_plans + custom_plans)::int AS runs FROM pg_prepared_statements`);
  return Object.fromEntries((result as unknown as { rows: { name: string; runs: number }[] }).rows.map((r) => [r.name, r.runs]));
}

describe('civil affairs queries', () => {
  let sg: StartedSubgraph;
  const head = makeResidentId('654002', '1960-02-02', 21);
  const child = makeResidentId('654002', '1990-07-07', 32);
  const spouse = makeResidentId('654002', '1962-03-03', 42);

  beforeAll(async () => {
    sg = await startSubgraph('civil-affairs', createServer, new URL('../', import.meta.url));
    const households = Array.from({ length: 25 }, (_, i) => ({ type: 'household', id: `H${String(i).padStart(3, '0')}`, regionCode: i < 20 ? '654002001' : '654021', hukou: 'URBAN' }));
    const persons = [
      { type: 'person', id: child, name: '艾力·吐尔逊', gender: 'FEMALE', birthDate: '1990-07-07', householdId: 'H000', relation: 'CHILD' },
      { type: 'person', id: spouse, name: '古丽娜尔', gender: 'FEMALE', birthDate: '1962-03-03', householdId: 'H000', relation: 'SPOUSE' },
      { type: 'person', id: head, name: '吐尔逊·买买提', gender: 'MALE', birthDate: '1960-02-02', householdId: 'H000', relation: 'HEAD', deathDate: '2024-05-01' },
    ];
    expect(await ingest(sg, [...households, ...persons])).toMatchObject({ status: 200 });
  });
  afterAll(() => sg?.stop());

  it('lists members head first, with death as recorded', async () => {
    const res = await sg.query(`{ household(id: "H000") { members { id relation deathDate household { id } } } }`);
    expect(res.data!.household.members.map((m: { relation: string }) => m.relation)).toEqual(['HEAD', 'SPOUSE', 'CHILD']);
    expect(res.data!.household.members[0]).toMatchObject({ id: head, deathDate: '2024-05-01', household: { id: 'H000' } });
  });

  it('pages through the households under a region prefix', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    for (;;) {
      const res = await sg.query(`query ($after: String) { householdsInRegion(regionCode: "654002", first: 7, after: $after) { totalCount edges { node { id } } pageInfo { hasNextPage endCursor } } }`, { after });
      const page = res.data!.householdsInRegion as { totalCount: number; edges: { node: { id: string } }[]; pageInfo: { hasNextPage: boolean; endCursor: string } };
      expect(page.totalCount).toBe(20);
      seen.push(...page.edges.map((e) => e.node.id));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(seen).toHaveLength(20);
    expect(new Set(seen).size).toBe(20);
  });

  it('plans a sweep: where each page starts and how many households it holds, none at the very end', async () => {
    const plan = async (pageSize: number, regionCode = '654002') => (await sg.query(`query ($r: String!, $p: Int!) { _internalSweepPlan(regionCode: $r, pageSize: $p) { totalCount householdIds pageSizes } }`, { r: regionCode, p: pageSize })).data!._internalSweepPlan;
    expect(await plan(7)).toEqual({ totalCount: 20, householdIds: ['H006', 'H013'], pageSizes: [7, 7, 6] });
    expect(await plan(10)).toEqual({ totalCount: 20, householdIds: ['H009'], pageSizes: [10, 10] });
    expect(await plan(20)).toEqual({ totalCount: 20, householdIds: [], pageSizes: [20] });
    expect(await plan(1000)).toEqual({ totalCount: 20, householdIds: [], pageSizes: [20] });
    expect((await plan(1)).householdIds).toHaveLength(19);
    expect(await plan(5, '654021')).toEqual({ totalCount: 5, householdIds: [], pageSizes: [5] });
    expect(await plan(5, '110101')).toEqual({ totalCount: 0, householdIds: [], pageSizes: [] });
    // Each planned page, fetched by its start, holds exactly its share of the households.
    const starts = [null, ...(await plan(7)).householdIds];
    const pages = [];
    for (const after of starts) {
      const res = await sg.query(`query ($after: String) { _internalSweepBatch(regionCode: "654002", first: 7, after: $after) { totalCount householdIds } }`, { after });
      expect(res.data!._internalSweepBatch.totalCount).toBe(20);
      pages.push(res.data!._internalSweepBatch.householdIds.length);
    }
    expect(pages).toEqual([7, 7, 6]);
  });

  it('gives a sweep page the households of its range with until, at most first of them', async () => {
    const page = async (first: number, after: string | null, until: string | null) =>
      (await sg.query(`query ($f: Int!, $a: String, $u: String) { _internalSweepBatch(regionCode: "654002", first: $f, after: $a, until: $u) { householdIds hasNextPage endCursor } }`, { f: first, a: after, u: until })).data!._internalSweepBatch;
    expect(await page(5000, 'H006', 'H013')).toEqual({ householdIds: ['H007', 'H008', 'H009', 'H010', 'H011', 'H012', 'H013'], hasNextPage: false, endCursor: 'H013' });
    expect(await page(3, 'H006', 'H013')).toEqual({ householdIds: ['H007', 'H008', 'H009'], hasNextPage: true, endCursor: 'H009' });
    expect(await page(5000, null, 'H001')).toEqual({ householdIds: ['H000', 'H001'], hasNextPage: false, endCursor: 'H001' });
  });

  it('resolves a sweep page again from its id, and refuses an id that is not one', async () => {
    const { id } = (await sg.query(`{ _internalSweepBatch(regionCode: "654002", first: 5000, after: "H006", until: "H008") { id } }`)).data!._internalSweepBatch;
    const again = await sg.query(`query ($r: [_Any!]!) { _entities(representations: $r) { ... on SweepBatch { householdIds } } }`, { r: [{ __typename: 'SweepBatch', id }] });
    expect(again.data!._entities).toEqual([{ householdIds: ['H007', 'H008'] }]);
    const bad = await sg.query(`query ($r: [_Any!]!) { _entities(representations: $r) { ... on SweepBatch { householdIds } } }`, { r: [{ __typename: 'SweepBatch', id: '654002:7:H006' }] });
    expect(bad.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'id' });
  });

  it('ends a planned page before its households and members pass maxIds; a larger household is a page alone', async () => {
    const plan = async (pageSize: number, maxIds: number) => (await sg.query(`query ($p: Int!, $m: Int) { _internalSweepPlan(regionCode: "654002", pageSize: $p, maxIds: $m) { totalCount householdIds pageSizes } }`, { p: pageSize, m: maxIds })).data!._internalSweepPlan;
    // H000 and its 3 members are 4 ids; H001… have no members, 1 id each.
    expect(await plan(7, 5)).toEqual({ totalCount: 20, householdIds: ['H001', 'H006', 'H011', 'H016'], pageSizes: [2, 5, 5, 5, 3] });
    expect(await plan(7, 3)).toEqual({ totalCount: 20, householdIds: ['H000', 'H003', 'H006', 'H009', 'H012', 'H015', 'H018'], pageSizes: [1, 3, 3, 3, 3, 3, 3, 1] });
    // A budget no page reaches changes nothing.
    expect(await plan(7, 8000)).toEqual({ totalCount: 20, householdIds: ['H006', 'H013'], pageSizes: [7, 7, 6] });
    // Each page, asked for with its start and size, holds the ids planned.
    const { householdIds, pageSizes } = await plan(7, 5);
    const starts = [null, ...householdIds];
    for (let i = 0; i < starts.length; i++) {
      const res = await sg.query(`query ($after: String, $first: Int!) { _internalSweepBatch(regionCode: "654002", first: $first, after: $after) { householdIds personIds } }`, { after: starts[i], first: pageSizes[i] });
      const page = res.data!._internalSweepBatch;
      expect(page.householdIds).toHaveLength(pageSizes[i]!);
      expect(page.householdIds.length + page.personIds.length).toBeLessThanOrEqual(5);
    }
    const bad = await sg.query(`{ _internalSweepPlan(regionCode: "654002", pageSize: 7, maxIds: 0) { totalCount } }`);
    expect(bad.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'maxIds' });
  });

  it('gives a sweep page its households and members as compact rows, dates as text and no death as null', async () => {
    const res = await sg.query(`{ _internalSweepBatch(regionCode: "654002", first: 2) { households persons } }`);
    expect(res.errors).toBeUndefined();
    expect(res.data!._internalSweepBatch.households).toEqual({ columns: ['id', 'regionCode'], rows: [['H000', '654002001'], ['H001', '654002001']] });
    // Members ordered by household and ID number; only H000 has members.
    expect(res.data!._internalSweepBatch.persons).toEqual({
      columns: ['id', 'householdId', 'name', 'gender', 'birthDate', 'deathDate'],
      rows: [
        [child, 'H000', '艾力·吐尔逊', 'FEMALE', '1990-07-07', null],
        [spouse, 'H000', '古丽娜尔', 'FEMALE', '1962-03-03', null],
        [head, 'H000', '吐尔逊·买买提', 'MALE', '1960-02-02', '2024-05-01'],
      ].sort((a, b) => (a[0]! < b[0]! ? -1 : 1)),
    });
  });

  it('plans sweeps only for sweeping roles within their region, with a bounded page', async () => {
    const q = `{ _internalSweepPlan(regionCode: "654002", pageSize: 10) { totalCount } }`;
    expect((await sg.query(q, {}, { sub: 'a', role: 'ANALYST' })).errors![0]!.extensions!.code).toBe('FORBIDDEN');
    expect((await sg.query(q, {}, { sub: 'c', role: 'CASEWORKER', region: '654021' })).errors![0]!.extensions!.code).toBe('FORBIDDEN');
    expect((await sg.query(q, {}, { sub: 'c', role: 'CASEWORKER', region: '654002' })).data!._internalSweepPlan.totalCount).toBe(20);
    const big = await sg.query(`{ _internalSweepPlan(regionCode: "654002", pageSize: 5001) { totalCount } }`);
    expect(big.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'pageSize' });
  });

  it('refuses a malformed region prefix', async () => {
    const res = await sg.query(`{ householdsInRegion(regionCode: "65400", first: 5) { totalCount } }`);
    expect(res.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'regionCode' });
  });

  it('finds households by number, ID number or part of a name, within the region only', async () => {
    const byName = await sg.query(`{ searchHouseholds(regionCode: "654002", text: "吐尔逊") { id } }`);
    expect(byName.data!.searchHouseholds).toEqual([{ id: 'H000' }]);
    const byId = await sg.query(`{ searchHouseholds(regionCode: "6540", text: "${spouse}") { id } }`);
    expect(byId.data!.searchHouseholds).toEqual([{ id: 'H000' }]);
    const elsewhere = await sg.query(`{ searchHouseholds(regionCode: "654021", text: "吐尔逊") { id } }`);
    expect(elsewhere.data!.searchHouseholds).toEqual([]);
    const wildcard = await sg.query(`{ searchHouseholds(regionCode: "654002", text: "%%") { id } }`);
    expect(wildcard.data!.searchHouseholds).toEqual([]);
  });

  it('returns several households in the order asked', async () => {
    const res = await sg.query(`{ households(ids: ["H003", "nope", "H001"]) { id } }`);
    expect(res.data!.households).toEqual([{ id: 'H003' }, null, { id: 'H001' }]);
  });

  it('looks households, persons and members up in batches as prepared statements: the same rows as one at a time, each statement prepared once per connection', async () => {
    const { db, kind } = sg.database;
    const households = ['H001', 'nope', 'H000', 'H001'];
    const people = [spouse, 'nope', head];
    const batched = { households: await householdsByIds(db, households), persons: await personsByIds(db, people), members: await membersByHouseholdIds(db, ['H000', 'H001']) };
    const oneByOne = {
      households: (await Promise.all(households.map((id) => householdsByIds(db, [id])))).flat(),
      persons: (await Promise.all(people.map((id) => personsByIds(db, [id])))).flat(),
      members: (await Promise.all(['H000', 'H001'].map((id) => membersByHouseholdIds(db, [id])))).flat(),
    };
    expect(batched).toEqual(oneByOne);
    expect(batched.households.map((h) => h?.id ?? null)).toEqual(['H001', null, 'H000', 'H001']);
    expect(batched.members[0]!.map((m) => m.relation)).toEqual(['HEAD', 'SPOUSE', 'CHILD']);
    expect(batched.members[1]).toEqual([]);
    // One connection (a transaction's): two lookups of different sizes run the one statement the
    // server holds by name (planned twice, parsed once); on PGlite the same queries run unnamed.
    const prepared = await db.transaction(async (t) => {
      const tx = t as unknown as Db;
      const before = await preparedRuns(tx);
      await householdsByIds(tx, ['H000']);
      await householdsByIds(tx, ['H000', 'H001', 'H002']);
      await membersByHouseholdIds(tx, ['H000']);
      const after = await preparedRuns(tx);
      return Object.fromEntries(Object.entries(after).map(([name, runs]) => [name, runs - (before[name] ?? 0)]));
    });
    if (kind === 'postgres') expect(prepared).toMatchObject({ households_by_ids: 2, members_by_household_ids: 1 });
    else expect(prepared).toEqual({});
  });
});
