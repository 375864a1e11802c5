import { ApolloServer, HeaderMap } from '@apollo/server';
import { buildSchema } from 'graphql';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS, operationLimitsPlugin } from '../src/limits.ts';
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
});
