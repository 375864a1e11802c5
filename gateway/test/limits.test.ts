import { ApolloServer, HeaderMap } from '@apollo/server';
import { buildSchema, getIntrospectionQuery } from 'graphql';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS, checkOperation, operationLimitsPlugin } from '../src/limits.ts';
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

  async function run(query: string, internal = false, operationName?: string) {
    const response = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: 'POST', headers: new HeaderMap([['content-type', 'application/json']]), search: '', body: operationName ? { query, operationName } : { query } },
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
