import { awardKind, createDepartmentServer, type BuiltSubgraph, type SubgraphDeps } from '@saf/department';
import { loadTypeDefs } from '@saf/service';
import { checkDetails } from './details.ts';
import { createIncomeLoader, incomeKind } from './db/incomes.ts';
import { resolvers } from './resolvers/index.ts';

export const typeDefs = loadTypeDefs(new URL('../schema.graphql', import.meta.url));

export function createServer(deps: SubgraphDeps): BuiltSubgraph {
  return createDepartmentServer({
    name: 'labour',
    department: 'LABOUR',
    typeDefs,
    paymentsField: 'labourPayments',
    resolvers,
    kinds: [{ ...awardKind, check: checkDetails }, incomeKind],
    outbox: true,
    extraLoaders: (db) => ({ incomes: createIncomeLoader(db) }),
    ...deps,
  });
}
