import { GATEWAY, OPERATOR, chainKeyring, type ChainKeyring } from '@saf/auth';
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
  /** The chain's keys (config.ts); default the development key, which production refuses. */
  chainKeys?: ChainKeyring;
}

export function createServer(options: AuditOptions): BuiltSubgraph & { writer: AuditWriter } {
  const { database, log } = options;
  const db = database.db;
  const production = options.production ?? false;
  const keys = options.chainKeys ?? chainKeyring({}, production ? 'production' : undefined);
  const writer = new AuditWriter(db, keys.current);
  const built = buildSubgraph<Context>({
    name: 'audit',
    typeDefs,
    resolvers,
    log,
    production,
    signingSecret: options.signingSecret,
    // The operator (`npm run audit:verify`) only verifies the chain (routes.ts checks the sender).
    acceptFrom: [GATEWAY, OPERATOR],
    ready: database.ping,
    routes: auditRoutes({ db, writer, log, verifyPageSize: options.verifyPageSize ?? 5000, keys }),
    // The caller is the one createServiceServer verified from the gateway's signature.
    context: async (_req, requestId, caller) => ({ requestId, caller, db }),
  });
  return { ...built, writer, stop: () => writer.idle() };
}
