import { awardKind, createDepartmentServer, type BuiltSubgraph, type SubgraphDeps } from '@saf/department';
import { loadTypeDefs } from '@saf/service';
import { checkDetails } from './details.ts';
import { createPropertyLoader, propertyKind } from './db/properties.ts';
import { resolvers } from './resolvers/index.ts';

export const typeDefs = loadTypeDefs(new URL('../schema.graphql', import.meta.url));

export function createServer(deps: SubgraphDeps): BuiltSubgraph {
  return createDepartmentServer({
    name: 'housing',
    department: 'HOUSING',
    typeDefs,
    paymentsField: 'housingPayments',
    resolvers,
    kinds: [{ ...awardKind, check: checkDetails }, propertyKind],
    outbox: true,
    extraLoaders: (db) => ({ properties: createPropertyLoader(db) }),
    ...deps,
  });
}
