import type { Database } from '@saf/db';
import { awardKind, createDepartmentServer, type BuiltSubgraph } from '@saf/department';
import { loadTypeDefs, type Logger } from '@saf/service';
import { checkDetails } from './details.ts';
import { resolvers } from './resolvers/index.ts';

export const typeDefs = loadTypeDefs(new URL('../schema.graphql', import.meta.url));

export function createServer({ database, log, production = false }: { database: Database; log: Logger; production?: boolean }): BuiltSubgraph {
  return createDepartmentServer({
    name: 'justice',
    department: 'JUSTICE',
    typeDefs,
    resolvers,
    kinds: [{ ...awardKind, check: checkDetails }],
    database,
    log,
    production,
  });
}
