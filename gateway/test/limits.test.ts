import { readFileSync } from 'node:fs';
import { ApolloServer, HeaderMap } from '@apollo/server';
import { buildSchema, getIntrospectionQuery, getNullableType, isInterfaceType, isListType, isObjectType } from 'graphql';
import { beforeAll, describe, expect, it } from 'vitest';
import { apiSchemaOf } from '../../scripts/schemaChanges.ts';
import * as consoleQueries from '../../console/src/api/queries.ts';
import { DEFAULT_LIMITS, checkOperation, costWith, measureOperations, operationLimitsPlugin } from '../src/limits.ts';
import { LIST_SIZES, SIZE_ARGUMENTS } from '../src/listSizes.ts';
import { parse } from 'graphql';
import type { GatewayContext } from '../src/context.ts';

const schema = buildSchema(`
  type Query { households(first: Int): [Household!] note: String }
  type Household { id: ID! members: [Person!]! }
  type Person { id: ID! name: String household: Household }
`);

describe('operation limits', () => {
  let apollo: ApolloServer<GatewayContext>;
  beforeAll(async () => {
    apollo = new ApolloServer<GatewayContext>({ schema, plugins: [operationLimitsPlugin({ ...DEFAULT_LIMITS, maxDepth: 4, maxCost: 500 })] });
    await apollo.start();
  });

  async function run(query: string, internal = false, operationName?: string, variables?: Record<string, unknown>) {
    const response = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: 'POST', headers: new HeaderMap([['content-type', 'application/json']]), search: '', body: { query, ...(operationName ? { operationName } : {}), ...(variables ? { variables } : {}) } },
      context: async () => ({ requestId: 'r', purpose: null, caller: { sub: 's', role: 'COORDINATOR' }, internal }),
    });
    const text = response.body.kind === 'complete' ? response.body.string : '';
    return { status: response.status ?? 200, body: JSON.parse(text) as { errors?: { extensions?: Record<string, unknown> }[] } };
  }

  it('refuses the same costly query every time it comes, and lets our own services run it', async () => {
    const costly = '{ households(first: 100) { id members { id name } } }';
    for (let i = 0; i < 3; i++) {
      const res = await run(costly);
      expect(res.status).toBe(400);
      expect(res.body.errors![0]!.extensions).toMatchObject({ code: 'OPERATION_LIMIT', limit: 'cost' });
    }
    expect((await run(costly, true)).body.errors).toBeUndefined();
    expect((await run(costly)).body.errors![0]!.extensions!.limit).toBe('cost');
  });

  it('weighs the same document again with each request’s variables', async () => {
    const query = 'query ($n: Int) { households(first: $n) { id members { id name } } }';
    for (const [n, refused] of [[100, true], [5, false], [100, true], [null, true], [5, false]] as const) {
      const res = await run(query, false, undefined, { n });
      expect(res.body.errors?.[0]?.extensions?.limit ?? null, `n = ${n}`).toBe(refused ? 'cost' : null);
    }
    // Left out, with no default anywhere: the list counts at the most a sized list may hold.
    expect((await run(query, false, undefined, {})).body.errors![0]!.extensions!.limit).toBe('cost');
    expect((await run(query, true, undefined, { n: 100 })).body.errors).toBeUndefined();
  });

  it('judges each operation of a document by itself', async () => {
    const doc = 'query Deep { households(first: 1) { members { household { members { household { id } } } } } } query Small { note }';
    expect((await run(doc, false, 'Small')).body.errors).toBeUndefined();
    expect((await run(doc, false, 'Deep')).body.errors![0]!.extensions).toMatchObject({ code: 'OPERATION_LIMIT', limit: 'depth' });
    expect((await run(doc, false, 'Small')).body.errors).toBeUndefined();
  });

  it('lets the explorer introspect under the default limits (an ofType chain is one level), and still refuses a deep fan-out through __type', () => {
    const full = getIntrospectionQuery({ descriptions: true, specifiedByUrl: true, directiveIsRepeatable: true, schemaDescription: true, inputValueDeprecation: true });
    expect(checkOperation(schema, parse(full), null, DEFAULT_LIMITS)).toEqual([]);
    // Without the exemption the same query measures 14 levels.
    expect(checkOperation(schema, parse(full), null, { ...DEFAULT_LIMITS, maxDepth: 5 })).toEqual([]);
    let fanOut = 'name';
    for (let i = 0; i < 7; i++) fanOut = `fields { type { ${fanOut} } }`;
    const errors = checkOperation(schema, parse(`{ __type(name: "Household") { ${fanOut} } }`), null, DEFAULT_LIMITS);
    expect(errors.map((e) => e.extensions.limit)).toContain('depth');
  });
});

describe('the cost of an operation with its variables', () => {
  const api = apiSchemaOf(readFileSync(new URL('../supergraph.graphql', import.meta.url), 'utf8'));
  const cost = (query: string, variables: Record<string, unknown> = {}) => {
    const [verdict] = measureOperations(api, parse(query), null, DEFAULT_LIMITS);
    return costWith(verdict!.cost, variables);
  };
  const refused = (query: string, variables?: Record<string, unknown>) => checkOperation(api, parse(query), null, DEFAULT_LIMITS, variables).map((e) => e.extensions.limit);
  const PICTURE = 'edges { node { address members { name birthDate disabilityCertificates { category grade } awards { amountFen } } } }';
  const byVariable = (type = 'Int!') => `query ($n: ${type}) { householdsInRegion(regionCode: "65", first: $n) { ${PICTURE} } }`;
  const literal = (n: number) => `{ householdsInRegion(regionCode: "65", first: ${n}) { ${PICTURE} } }`;

  it('costs a page size given as a variable exactly as the same size written in the query', () => {
    for (const n of [1, 10, 58, 59, 1000]) expect(cost(byVariable(), { n }), `n = ${n}`).toBe(cost(literal(n)));
    expect(refused(byVariable(), { n: 1000 })).toEqual(['cost']);
    expect(refused(literal(1000))).toEqual(['cost']);
    expect(refused(byVariable(), { n: 10 })).toEqual([]);
    expect(refused(literal(10))).toEqual([]);
  });

  it('takes the variable’s default, then the argument’s default from the schema, when the request leaves it out', () => {
    expect(cost(byVariable('Int = 30'), {})).toBe(cost(literal(30)));
    expect(cost(byVariable('Int = 30'), { n: 2 })).toBe(cost(literal(2)));
    // householdsInRegion(first: Int = 100): an absent argument is a page of 100.
    expect(cost(byVariable('Int'), {})).toBe(cost(literal(100)));
    expect(cost(`{ householdsInRegion(regionCode: "65") { ${PICTURE} } }`)).toBe(cost(literal(100)));
  });

  it('counts a size it cannot know (null, negative, not a number) at the list’s maximum, and a bigger one at that maximum too', () => {
    for (const n of [null, -5, 'lots', 2.5]) expect(cost(byVariable('Int'), { n }), `n = ${JSON.stringify(n)}`).toBe(cost(literal(1000)));
    expect(cost(byVariable(), { n: 100_000 })).toBe(cost(literal(1000)));
  });

  it('counts a list of ids by how many it holds, given literally, as a variable, or with variables inside', () => {
    const ids = Array.from({ length: 300 }, (_, i) => `H${i}`);
    const select = '{ id members { name birthDate awards { amountFen } } }';
    const written = cost(`{ households(ids: [${ids.map((id) => JSON.stringify(id)).join(', ')}]) ${select} }`);
    expect(cost(`query ($ids: [ID!]!) { households(ids: $ids) ${select} }`, { ids })).toBe(written);
    expect(cost(`query ($ids: [ID!]!) { households(ids: $ids) ${select} }`, { ids: ids.slice(0, 3) })).toBe(cost(`{ households(ids: ["a", "b", "c"]) ${select} }`));
    expect(cost(`query ($a: ID!, $b: ID!) { households(ids: [$a, $b]) ${select} }`, { a: 'H1', b: 'H2' })).toBe(cost(`{ households(ids: ["a", "b"]) ${select} }`));
    expect(refused(`query ($ids: [ID!]!) { households(ids: $ids) ${select} }`, { ids })).toEqual(['cost']);
  });

  it('adds up every alias of a list and every spread of a fragment, each sized by its own variable', () => {
    const one = cost(byVariable(), { n: 20 });
    const aliased = `query ($a: Int!, $b: Int!) { a: householdsInRegion(regionCode: "65", first: $a) { ...Page } b: householdsInRegion(regionCode: "65", first: $b) { ...Page } }
      fragment Page on HouseholdConnection { ${PICTURE} }`;
    expect(cost(aliased, { a: 20, b: 20 })).toBe(2 * one);
    expect(refused(aliased, { a: 20, b: 20 })).toEqual([]);
    expect(refused(aliased, { a: 20, b: 40 })).toEqual(['cost']);
    const spread = `query ($n: Int!) { ...Region } fragment Region on Query { householdsInRegion(regionCode: "65", first: $n) { ${PICTURE} } }`;
    expect(cost(spread, { n: 20 })).toBe(one);
    expect(refused(spread, { n: 1000 })).toEqual(['cost']);
  });

  it('counts a search at the most it answers', () => {
    expect(cost('{ searchHouseholds(regionCode: "65", text: "ab") { id } }')).toBe(1 + LIST_SIZES['Query.searchHouseholds']!.max * 1);
  });

  it('knows the maximum of every list of the graph a caller can size', () => {
    const missing: string[] = [];
    for (const type of Object.values(api.getTypeMap())) {
      if (type.name.startsWith('__') || !(isObjectType(type) || isInterfaceType(type))) continue;
      for (const field of Object.values(type.getFields())) {
        // `_internal…` fields are refused to callers before any cost is weighed (internalFields.ts).
        if (field.name.startsWith('_internal')) continue;
        // A page size, or a list of ids whose length is the answer's (a list of filters is not).
        const sized = field.args.some((a) => SIZE_ARGUMENTS[a.name] || (isListType(getNullableType(a.type)) && /(^i|I)ds$/.test(a.name)));
        if (sized && !LIST_SIZES[`${type.name}.${field.name}`]) missing.push(`${type.name}.${field.name}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('lets every operation the console sends through with its largest variables', () => {
    const queries = Object.values(consoleQueries).flatMap((q) => (typeof q === 'string' ? [q] : typeof q === 'function' ? [(q as (f: string[]) => string)(consoleQueries.ACCESS_LOG_FIELDS)] : []));
    expect(queries.length).toBeGreaterThan(8);
    for (const query of queries) expect(refused(query, { first: null }), query).toEqual([]);
  });
});
