import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeResidentId } from '@saf/identity';
import { ingest, startSubgraph, type StartedSubgraph } from '@saf/testing';
import { createServer } from '../src/server.ts';

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
});
