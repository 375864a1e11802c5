import { awardKind, createDepartmentServer, type BuiltSubgraph, type SubgraphDeps } from '@saf/department';
import { loadTypeDefs } from '@saf/service';
import { checkDetails } from './details.ts';
import { resolvers } from './resolvers/index.ts';

export const typeDefs = loadTypeDefs(new URL('../schema.graphql', import.meta.url));

export function createServer(deps: SubgraphDeps): BuiltSubgraph {
  return createDepartmentServer({
    name: 'education',
    department: 'EDUCATION',
    typeDefs,
    paymentsField: 'educationPayments',
    resolvers,
    kinds: [{ ...awardKind, check: checkDetails }],
    ...deps,
  });
}
