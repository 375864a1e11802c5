import type { Database } from '@saf/db';
import type { Department } from '@saf/programmes';
import { buildSubgraph, type Logger, type Resolvers } from '@saf/service';
import type { DocumentNode } from 'graphql';
import { createAwardLoaders } from './awards.ts';
import { ingestRoute, type IngestKind } from './ingest.ts';
import type { BuiltSubgraph } from './subgraph.ts';

export interface DepartmentContext<L = Record<string, never>> {
  requestId: string;
  loaders: { awards: ReturnType<typeof createAwardLoaders> } & L;
}

export interface DepartmentServerOptions {
  name: string;
  department: Department;
  typeDefs: DocumentNode;
  resolvers: Resolvers<DepartmentContext<any>>;
  kinds: IngestKind[];
  /** Loaders beyond the award ones (e.g. disability certificates). */
  extraLoaders?: (db: Database['db']) => Record<string, unknown>;
  database: Database;
  log: Logger;
  production?: boolean;
}

/** Builds (no I/O) a department subgraph that stores awards and serves them on Person and Household. */
export function createDepartmentServer(options: DepartmentServerOptions): BuiltSubgraph {
  const { db } = options.database;
  return buildSubgraph<DepartmentContext<any>>({
    name: options.name,
    typeDefs: options.typeDefs,
    resolvers: options.resolvers,
    log: options.log,
    production: options.production ?? false,
    ready: options.database.ping,
    context: async (_req, requestId) => ({ requestId, loaders: { awards: createAwardLoaders(db), ...options.extraLoaders?.(db) } }),
    routes: [ingestRoute({ db, department: options.department, kinds: options.kinds })],
  });
}
