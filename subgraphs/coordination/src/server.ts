import type { Database } from '@saf/db';
import type { BuiltSubgraph } from '@saf/department';
import { buildSubgraph, loadTypeDefs, type Logger } from '@saf/service';
import type { Context } from './context.ts';
import { resolvers } from './resolvers/index.ts';

export const typeDefs = loadTypeDefs(new URL('../schema.graphql', import.meta.url));

export function createServer({ database, log, production = false }: { database: Database; log: Logger; production?: boolean }): BuiltSubgraph {
  return buildSubgraph<Context>({
    name: 'coordination',
    typeDefs,
    resolvers,
    log,
    production,
    ready: database.ping,
    context: async (_req, requestId) => ({ requestId, database, log }),
  });
}
