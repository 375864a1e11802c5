import { GATEWAY, LOADER, OPERATOR } from '@saf/auth';
import { COORDINATION, grantRoute, ingestRoute, outboxRoute, sweepStreamRoute, witnessRoute, type BuiltSubgraph, type SubgraphDeps } from '@saf/department';
import { buildSubgraph, loadTypeDefs, parseJson, sendJson } from '@saf/service';
import { existing, memberships } from './db/queries.ts';
import { grantKinds, ingestKinds } from './db/ingest.ts';
import { createLoaders, type Context } from './loaders.ts';
import { resolvers } from './resolvers/index.ts';
import { sweepElsewhereRoute } from './sweepElsewhere.ts';

export const typeDefs = loadTypeDefs(new URL('../schema.graphql', import.meta.url));

export function createServer({ database, log, production = false, signingSecret, ingestHoldMs }: SubgraphDeps): BuiltSubgraph {
  const { db } = database;
  const ingest = ingestRoute({
    database,
    department: 'CIVIL_AFFAIRS',
    kinds: ingestKinds,
    log,
    holdMs: ingestHoldMs,
    // The loader checks references against what is already registered.
    extra: async (req, res, parts, request) => {
      if (req.method !== 'POST' || parts[0] !== 'known') return false;
      const body = parseJson(request.body) as { persons?: string[]; households?: string[]; members?: string[]; headsOf?: string[] };
      const [found, members] = await Promise.all([existing(db, body.persons ?? [], body.households ?? []), memberships(db, body.members ?? [], body.headsOf ?? [])]);
      sendJson(res, 200, { ...found, ...members });
      return true;
    },
  });
  const built = buildSubgraph<Context>({
    name: 'civil-affairs',
    typeDefs,
    resolvers,
    log,
    production,
    signingSecret,
    // The loader signs only for /ingest, the operator (audit:verify) only to read the witnessed
    // checkpoints: the routes check the sender, and GraphQL answers the gateway alone.
    // Coordination signs only for /grants (an approved application's awards, and the register's
    // record of another department's), /outbox, and a sweep's streams (/sweep/awards, /sweep/elsewhere).
    acceptFrom: [GATEWAY, LOADER, OPERATOR, COORDINATION],
    ready: database.ping,
    context: async (_req, requestId, caller) => ({ requestId, caller, db, loaders: createLoaders(db) }),
    // Civil affairs witnesses the access log in its own database, like every department.
    routes: [ingest, grantRoute({ database, department: 'CIVIL_AFFAIRS', kinds: grantKinds, log }), witnessRoute({ db, name: 'civil-affairs', signingSecret }), outboxRoute(db), sweepStreamRoute(db), sweepElsewhereRoute(db)],
  });
  return { http: built.http, start: built.start, stop: () => ingest.close() };
}
