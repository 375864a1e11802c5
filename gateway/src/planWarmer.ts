import { createHash } from 'node:crypto';
import type { ApolloGateway } from '@apollo/gateway';
import type { ApolloServerPlugin } from '@apollo/server';
import { operationFromDocument } from '@apollo/federation-internals';
import { parse, print } from 'graphql';
import type { Logger } from '@saf/service';
import type { GatewayContext } from './context.ts';
import { plansWarmed as planned } from './metrics.ts';

// A new supergraph empties Apollo Gateway's query plan cache: every operation is planned again on
// its first request (the household picture: 80-120 ms of one core here), and requests that arrive
// together each plan it. The warmer remembers the operations served most often and, after each
// reload, plans them again against the new schema before clients ask, a few at a time.
//
// Apollo Gateway has no public warm-up call (Apollo Router has `warmed_up_queries`): this uses
// its query planner and plan store the way its executor does (gateway 2.14, pinned). If those
// internals are not there, warming is skipped with one warning; requests plan as before.

interface Seen {
  source: string;
  operationName: string | null;
  queryHash: string;
  count: number;
  lastSeen: number;
}

interface GatewayInternals {
  apiSchema?: unknown;
  queryPlanner?: { buildQueryPlan(operation: unknown, options?: unknown): unknown };
  queryPlanStore?: { set(key: string, value: unknown): Promise<void>; get(key: string): Promise<unknown> };
  recursiveSelectionsLimitDisabled?: boolean;
  nonLocalSelectionsLimitDisabled?: boolean;
}

/** The key Apollo Gateway's executor stores a plan under (gateway 2.14 `executor`). */
export function planStoreKey(queryHash: string, operationName: string | null): string {
  return operationName ? createHash('sha256').update(queryHash).update(operationName).digest('hex') : queryHash;
}

export interface PlanWarmerOptions {
  /** Operations remembered (most used first); at most this many are warmed. */
  keep?: number;
  log: Logger;
}

export interface PlanWarmer {
  plugin: ApolloServerPlugin<GatewayContext>;
  /** Plans the remembered operations against the gateway's current schema; resolves with how many. */
  warm(): Promise<number>;
  /** The last warm-up (tests, logs). */
  lastWarm: Promise<number>;
}

export function createPlanWarmer(gateway: ApolloGateway, options: PlanWarmerOptions): PlanWarmer {
  const keep = options.keep ?? 50;
  const seen = new Map<string, Seen>();
  let warnedInternals = false;
  let warming = Promise.resolve(0);
  let again = false;

  const remember = (source: string, operationName: string | null, queryHash: string) => {
    const key = `${queryHash}:${operationName ?? ''}`;
    const entry = seen.get(key);
    if (entry) {
      entry.count++;
      entry.lastSeen = Date.now();
      return;
    }
    // Over twice the limit: drop the least used half (ties: the oldest), so the map stays small.
    if (seen.size >= keep * 2) {
      const ranked = [...seen].sort(([, a], [, b]) => b.count - a.count || b.lastSeen - a.lastSeen);
      for (const [k] of ranked.slice(keep)) seen.delete(k);
    }
    seen.set(key, { source, operationName, queryHash, count: 1, lastSeen: Date.now() });
  };

  const warmOnce = async (): Promise<number> => {
    const gw = gateway as unknown as GatewayInternals;
    if (typeof gw.queryPlanner?.buildQueryPlan !== 'function' || typeof gw.queryPlanStore?.set !== 'function' || !gw.apiSchema) {
      if (!warnedInternals) options.log.warn('query plans cannot be warmed with this @apollo/gateway (its planner is not where 2.14 keeps it); plans are made on first use');
      warnedInternals = true;
      return 0;
    }
    const started = Date.now();
    const ops = [...seen.entries()].sort(([, a], [, b]) => b.count - a.count || b.lastSeen - a.lastSeen).slice(0, keep);
    let count = 0;
    for (const [seenKey, op] of ops) {
      // One plan at a time, the event loop free in between: requests keep being served.
      await new Promise((resolve) => setImmediate(resolve));
      const key = planStoreKey(op.queryHash, op.operationName);
      try {
        if (await gw.queryPlanStore.get(key)) continue; // a request planned it already
        const operation = operationFromDocument(gw.apiSchema as Parameters<typeof operationFromDocument>[0], parse(op.source), { operationName: op.operationName ?? undefined });
        const plan = gw.queryPlanner.buildQueryPlan(operation, { recursiveSelectionsLimitDisabled: gw.recursiveSelectionsLimitDisabled, nonLocalSelectionsLimitDisabled: gw.nonLocalSelectionsLimitDisabled });
        await gw.queryPlanStore.set(key, plan);
        planned.inc({ outcome: 'planned' });
        count++;
      } catch (err) {
        // The operation no longer fits the schema (a field removed): forget it, clients will hear.
        seen.delete(seenKey);
        planned.inc({ outcome: 'invalid' });
        options.log.info({ operationName: op.operationName, reason: (err as Error).message.slice(0, 200) }, 'a remembered operation no longer plans against the new supergraph');
      }
    }
    if (ops.length) options.log.info({ warmed: count, remembered: seen.size, ms: Date.now() - started }, 'query plans warmed after a supergraph load');
    return count;
  };

  const warmer: PlanWarmer = {
    plugin: {
      async requestDidStart() {
        return {
          // The document as executed, after the access-log plugin (registered before this one)
          // added its subject ids to it: the executor caches the plan of that document under the
          // client's query hash, and a warmed plan of the client's own text would lack them (a
          // household picture seen before a reload then came back null when a department was down).
          async executionDidStart({ request, document, queryHash }) {
            if (document) remember(print(document), request.operationName ?? null, queryHash);
          },
        };
      },
    },
    warm() {
      // One warm-up at a time; a reload during one warms again after it.
      if (again) return warming;
      again = true;
      warming = warming.then(() => {
        again = false;
        return warmOnce();
      });
      warmer.lastWarm = warming;
      return warming;
    },
    lastWarm: Promise.resolve(0),
  };
  // Fires after every load; the gateway has emptied its plan cache and built the new planner by then.
  gateway.onSchemaLoadOrUpdate(() => void warmer.warm());
  return warmer;
}
