import { GATEWAY, OPERATOR } from '@saf/auth';
import type { BuiltSubgraph, SubgraphDeps } from '@saf/department';
import { buildSubgraph, loadTypeDefs } from '@saf/service';
import type { Context } from './context.ts';
import { resolvers } from './resolvers/index.ts';
import { auditRoutes } from './routes.ts';
import { AuditWriter } from './writer.ts';

export const typeDefs = loadTypeDefs(new URL('../schema.graphql', import.meta.url));

export interface AuditOptions extends SubgraphDeps {
  /** Entries per page when verifying the chain. */
  verifyPageSize?: number;
}

export function createServer(options: AuditOptions): BuiltSubgraph & { writer: AuditWriter } {
  const { database, log } = options;
  const db = database.db;
  const writer = new AuditWriter(db);
  const built = buildSubgraph<Context>({
    name: 'audit',
    typeDefs,
    resolvers,
    log,
    production: options.production ?? false,
    signingSecret: options.signingSecret,
    // The operator (`npm run audit:verify`) only verifies the chain (routes.ts checks the sender).
    acceptFrom: [GATEWAY, OPERATOR],
    ready: database.ping,
    routes: auditRoutes({ db, writer, log, verifyPageSize: options.verifyPageSize ?? 5000 }),
    // The caller is the one createServiceServer verified from the gateway's signature.
    context: async (_req, requestId, caller) => ({ requestId, caller, db }),
  });
  return { ...built, writer, stop: () => writer.idle() };
}
