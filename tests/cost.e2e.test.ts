import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Caller } from '@saf/auth';
import { loadFile } from '@saf/loader';
import { householdWithEverything } from './support/fixture.ts';
import { writeNdjson } from './support/files.ts';
import { startSystem, type System } from './support/system.ts';

const LABOUR_OFFICER: Caller = { sub: 'lb-1', role: 'DEPARTMENT_OFFICER', department: 'LABOUR' };
const CASEWORKER: Caller = { sub: 'cw-yining', role: 'CASEWORKER', region: '654002' };
const PAGE = 'edges { node { address members { name birthDate disabilityCertificates { category grade } awards { amountFen } } } }';
/** The attack: the page size as a variable, which the cost limit used to guess at 10. */
const byVariable = (region: string, type = 'Int!') => `query Page($n: ${type}) { householdsInRegion(regionCode: "${region}", first: $n) { ${PAGE} } }`;
const literal = (region: string, n: number) => `query Page { householdsInRegion(regionCode: "${region}", first: ${n}) { ${PAGE} } }`;

describe('the cost limit, with the request’s variables', () => {
  let system: System;
  const fixtures = [1, 2, 3].map((n) => householdWithEverything(n));

  beforeAll(async () => {
    system = await startSystem();
    expect(await loadFile(await writeNdjson(fixtures.flatMap((f) => f.records)), system.loadOptions)).toMatchObject({ ok: true });
  });
  afterAll(() => system?.stop());

  const verdict = (res: { status: number; errors?: { extensions?: Record<string, unknown> }[] }) => ({ status: res.status, limit: res.errors?.[0]?.extensions?.limit ?? null });

  it('refuses a thousand full households a request whether the page size is written in or passed as a variable', async () => {
    const asVariable = await system.query(byVariable('65'), { n: 1000 }, { caller: LABOUR_OFFICER });
    expect(asVariable.data ?? null).toBeNull();
    expect(asVariable.errors![0]!.extensions).toMatchObject({ code: 'OPERATION_LIMIT', limit: 'cost' });
    expect(verdict(asVariable)).toEqual({ status: 400, limit: 'cost' });
    expect(verdict(await system.query(literal('65', 1000), {}, { caller: LABOUR_OFFICER }))).toEqual({ status: 400, limit: 'cost' });
  });

  it('serves the same query with a small page, the same whether written in or a variable', async () => {
    const asVariable = await system.query(byVariable('654002'), { n: 2 }, { caller: CASEWORKER });
    const written = await system.query(literal('654002', 2), {}, { caller: CASEWORKER });
    for (const res of [asVariable, written]) {
      expect(res.errors).toBeUndefined();
      expect(res.data!.householdsInRegion.edges).toHaveLength(2);
      expect(res.data!.householdsInRegion.edges[0].node.members).toHaveLength(4);
    }
    expect(asVariable.data).toEqual(written.data);
  });

  it('counts a size left out at the argument’s default, and a null one at the list’s maximum', async () => {
    // householdsInRegion(first: Int = 100): a hundred full households cost too much as well.
    expect(verdict(await system.query(byVariable('654002', 'Int'), {}, { caller: CASEWORKER }))).toEqual({ status: 400, limit: 'cost' });
    expect(verdict(await system.query(byVariable('654002', 'Int'), { n: null }, { caller: CASEWORKER }))).toEqual({ status: 400, limit: 'cost' });
    expect(verdict(await system.query(byVariable('654002', 'Int = 500'), {}, { caller: CASEWORKER }))).toEqual({ status: 400, limit: 'cost' });
    expect(verdict(await system.query(byVariable('654002', 'Int = 2'), {}, { caller: CASEWORKER }))).toEqual({ status: 200, limit: null });
  });

  it('adds up the aliases of one list, each sized by its own variable', async () => {
    const one = `query Two($a: Int!) { a: householdsInRegion(regionCode: "654002", first: $a) { ${PAGE} } }`;
    const two = `query Two($a: Int!, $b: Int!) { a: householdsInRegion(regionCode: "654002", first: $a) { ${PAGE} } b: householdsInRegion(regionCode: "654002", first: $b) { ${PAGE} } }`;
    expect(verdict(await system.query(one, { a: 30 }, { caller: CASEWORKER }))).toEqual({ status: 200, limit: null });
    expect(verdict(await system.query(two, { a: 30, b: 30 }, { caller: CASEWORKER }))).toEqual({ status: 400, limit: 'cost' });
  });

  it('counts a list of ids passed as a variable by how many it holds', async () => {
    const query = `query Many($ids: [ID!]!) { households(ids: $ids) { address members { name birthDate awards { amountFen } } } }`;
    const ids = Array.from({ length: 400 }, (_, i) => `H${i}`);
    expect(verdict(await system.query(query, { ids }, { caller: CASEWORKER }))).toEqual({ status: 400, limit: 'cost' });
    const few = await system.query(query, { ids: [fixtures[0]!.householdId] }, { caller: CASEWORKER });
    expect(few.errors).toBeUndefined();
    expect(few.data!.households[0].members).toHaveLength(4);
  });

  it('caps a size at the list’s maximum, which is what the department enforces', async () => {
    // Counted as 1,000 (within the limit for so small a page), then refused by civil affairs itself.
    const res = await system.query(`query ($n: Int!) { householdsInRegion(regionCode: "654002", first: $n) { totalCount } }`, { n: 1001 }, { caller: CASEWORKER });
    expect(res.errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
    expect(res.errors![0]!.message).toMatch(/1 to 1000/);
  });
});
