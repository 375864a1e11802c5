import type { Database } from '@saf/db';
import type { BuiltSubgraph } from '@saf/department';
import { buildSubgraph, loadTypeDefs, type Logger } from '@saf/service';
import { createLoaders, type Context, type Services } from './context.ts';
import { failInterrupted } from './db/sweeps.ts';
import { createGraphClient } from './graph.ts';
import { resolvers } from './resolvers/index.ts';
import { RuleSetStore } from './rules.ts';
import { SweepRunner } from './sweep.ts';

export const typeDefs = loadTypeDefs(new URL('../schema.graphql', import.meta.url));

export interface CoordinationOptions {
  database: Database;
  log: Logger;
  production?: boolean;
  /** Where the gateway is; a function because tests start the gateway after this subgraph. */
  gatewayUrl?: () => string;
  sweepPageSize?: number;
}

export function createServer(options: CoordinationOptions): BuiltSubgraph & { services: Services } {
  const { database, log } = options;
  const db = database.db;
  const graph = createGraphClient(options.gatewayUrl ?? (() => 'http://127.0.0.1:4000/graphql'));
  const rules = new RuleSetStore(db);
  const services: Services = { database, log, rules, graph, sweeps: new SweepRunner(db, graph, rules, log, options.sweepPageSize) };
  const built = buildSubgraph<Context>({
    name: 'coordination',
    typeDefs,
    resolvers,
    log,
    production: options.production ?? false,
    ready: database.ping,
    context: async (_req, requestId) => ({ ...services, requestId, db, loaders: createLoaders(db), graphHeaders: {}, actor: { sub: null, role: null } }),
  });
  return {
    ...built,
    services,
    start: async () => {
      await failInterrupted(db);
      await built.start();
    },
    stop: () => services.sweeps.idle(),
  };
}
