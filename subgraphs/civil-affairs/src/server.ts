import type { Database } from '@saf/db';
import { ingestRoute, type BuiltSubgraph } from '@saf/department';
import { buildSubgraph, loadTypeDefs, readJson, sendJson, type Logger } from '@saf/service';
import { existing } from './db/queries.ts';
import { ingestKinds } from './db/ingest.ts';
import { createLoaders, type Context } from './loaders.ts';
import { resolvers } from './resolvers/index.ts';

export const typeDefs = loadTypeDefs(new URL('../schema.graphql', import.meta.url));

export function createServer({ database, log, production = false }: { database: Database; log: Logger; production?: boolean }): BuiltSubgraph {
  const { db } = database;
  return buildSubgraph<Context>({
    name: 'civil-affairs',
    typeDefs,
    resolvers,
    log,
    production,
    ready: database.ping,
    context: async (_req, requestId) => ({ requestId, db, loaders: createLoaders(db) }),
    routes: [
      ingestRoute({
        db,
        department: 'CIVIL_AFFAIRS',
        kinds: ingestKinds,
        // The loader checks references against what is already registered.
        extra: async (req, res, parts) => {
          if (req.method !== 'POST' || parts[0] !== 'known') return false;
          const body = (await readJson(req)) as { persons?: string[]; households?: string[] };
          sendJson(res, 200, await existing(db, body.persons ?? [], body.households ?? []));
          return true;
        },
      }),
    ],
  });
}
