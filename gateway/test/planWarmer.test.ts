import { createHash } from 'node:crypto';
import { composeServices } from '@apollo/composition';
import { ApolloGateway } from '@apollo/gateway';
import { parse } from 'graphql';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { GatewayContext } from '../src/context.ts';
import { createPlanWarmer, planStoreKey } from '../src/planWarmer.ts';

// The plan warmer against a real Apollo Gateway (no subgraph is called: plans only).

function supergraph(extraField: boolean): string {
  const people = parse(`
    extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
    type Query { person(id: ID!): Person }
    type Person @key(fields: "id") { id: ID! name: String ${extraField ? 'nickname: String' : ''} }
  `);
  const awards = parse(`
    extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
    type Person @key(fields: "id") { id: ID! awards: [Award!]! }
    type Award { id: ID! amountFen: Int! }
  `);
  const result = composeServices([
    { name: 'people', url: 'http://127.0.0.1:1/graphql', typeDefs: people },
    { name: 'awards', url: 'http://127.0.0.1:2/graphql', typeDefs: awards },
  ]);
  if (!result.supergraphSdl) throw new Error(result.errors?.map((e) => e.message).join('; '));
  return result.supergraphSdl;
}

const PICTURE = 'query Picture($id: ID!) { person(id: $id) { name awards { id amountFen } } }';
const NICK = 'query Nick($id: ID!) { person(id: $id) { nickname } }';
const hash = (source: string) => createHash('sha256').update(source).digest('hex');

interface Internals {
  queryPlanStore: { get(key: string): Promise<unknown> };
}

describe('warming the query plan cache after a supergraph load', () => {
  it('plans the operations seen before, against the new schema, and forgets those that no longer fit', async () => {
    let update: (sdl: string) => void = () => {};
    const gateway = new ApolloGateway({
      supergraphSdl: async ({ update: u }) => {
        update = u;
        return { supergraphSdl: supergraph(true) };
      },
    });
    const log = pino({ level: 'silent' });
    const warmer = createPlanWarmer(gateway, { log });
    await gateway.load();
    const store = (gateway as unknown as Internals).queryPlanStore;

    // Two requests seen (as Apollo Server reports them to plugins).
    const hooks = await warmer.plugin.requestDidStart!({} as never);
    for (const [source, operationName] of [[PICTURE, 'Picture'], [PICTURE, 'Picture'], [NICK, 'Nick']] as const) {
      await hooks!.executionDidStart!({ request: { query: source, operationName }, document: parse(source), queryHash: hash(source), contextValue: {} as GatewayContext } as never);
    }
    expect(await store.get(planStoreKey(hash(PICTURE), 'Picture'))).toBeUndefined();

    // A new supergraph without Person.nickname: the cache is emptied, then warmed.
    update(supergraph(false));
    expect(await warmer.lastWarm).toBe(1);
    const plan = (await store.get(planStoreKey(hash(PICTURE), 'Picture'))) as { kind: string } | undefined;
    expect(plan?.kind).toBe('QueryPlan');
    expect(await store.get(planStoreKey(hash(NICK), 'Nick'))).toBeUndefined();

    // The operation that no longer fits is forgotten: the next load warms only the other.
    update(supergraph(true));
    expect(await warmer.lastWarm).toBe(1);
    expect(await store.get(planStoreKey(hash(NICK), 'Nick'))).toBeUndefined();
    await gateway.stop();
  });

  it('uses the key Apollo Gateway stores plans under', async () => {
    // With an operation name: sha256 over the query hash, then the name; without: the query hash.
    expect(planStoreKey('abc', null)).toBe('abc');
    expect(planStoreKey('abc', 'Op')).toBe(createHash('sha256').update('abc').update('Op').digest('hex'));
  });
});
